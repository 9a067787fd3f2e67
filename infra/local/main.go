// Command local runs all of Jianyan as one process: the public form, the
// staff API and console, the router and the summary schedule, with data in
// an embedded SQLite file (or, with --dynamodb, in a DynamoDB table). It is
// for development, demos and small offices.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jianyan/jianyan/internal/document/docx"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/notify"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
	"github.com/jianyan/jianyan/ui"
)

// options are the command line and environment settings.
type options struct {
	addr          string
	data          string
	useDynamoDB   bool
	table         string
	publicBaseURL string
	adminToken    string
	resetToken    bool
	sweepEvery    time.Duration
	sweepGrace    time.Duration
	// rateLimit "off" lifts the public rate limits (benchmarks, load
	// tests); see ratelimit.go.
	rateLimit string
	// pprofAddr, when set, serves net/http/pprof there (pprof.go).
	pprofAddr string
	// durability is "full" (every acknowledged write is flushed to disk)
	// or "relaxed" (demos: the last writes before a power cut may be lost).
	durability string
	// backupDir, when set, gets a backup a day, of which the newest
	// backupKeep are kept (backupcmd.go).
	backupDir  string
	backupKeep int
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the options were listed
		}
		fmt.Fprintln(os.Stderr, "建言:", err)
		os.Exit(1)
	}
}

func parseOptions(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("jianyan-local", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "监听地址;让同一局域网的手机访问时用 0.0.0.0:8080")
	fs.StringVar(&o.data, "data", "jianyan.db", "SQLite 数据文件")
	fs.BoolVar(&o.useDynamoDB, "dynamodb", false, "数据存到 DynamoDB(AWS_ENDPOINT_URL_DYNAMODB、TABLE_NAME)而不是 SQLite")
	fs.StringVar(&o.publicBaseURL, "public-base-url", getenv("PUBLIC_BASE_URL"), "链接和二维码指向的地址(默认:http:// 加监听地址);手机要能打开它")
	fs.BoolVar(&o.resetToken, "reset-admin-token", false, "生成新的管理员令牌并显示")
	fs.DurationVar(&o.sweepEvery, "sweep-every", time.Minute, "多久检查一次未分拣的意见建议和未发出的通知")
	fs.DurationVar(&o.sweepGrace, "sweep-grace", 2*time.Minute, "意见建议未分拣、通知未发出多久后由定时检查补做")
	fs.StringVar(&o.rateLimit, "rate-limit", "on", "公开接口限流:on 开启;off 关闭,仅用于基准和压力测试")
	fs.StringVar(&o.pprofAddr, "pprof-addr", "", "在这个本机地址上提供性能分析接口(仅用于性能分析)")
	fs.StringVar(&o.durability, "durability", "full", "full:每次确认的写入都落盘;relaxed:仅用于演示,断电前最后的写入可能丢失")
	fs.StringVar(&o.backupDir, "backup-dir", "", "每天在这个目录做一次备份(北京时间 02:30;启动时当天还没有备份也做一次)")
	fs.IntVar(&o.backupKeep, "backup-keep", 14, "与 --backup-dir 一起用:保留最近 N 份每日备份")
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	o.table = getenv("TABLE_NAME")
	if o.table == "" {
		o.table = "jianyan"
	}
	o.adminToken = getenv("JIANYAN_ADMIN_TOKEN")
	o.publicBaseURL = strings.TrimRight(o.publicBaseURL, "/")
	if o.rateLimit != "on" && o.rateLimit != "off" {
		return o, fmt.Errorf("--rate-limit 只能是 on 或 off,不能是 %q", o.rateLimit)
	}
	if o.durability != "full" && o.durability != "relaxed" {
		return o, fmt.Errorf("--durability 只能是 full 或 relaxed,不能是 %q", o.durability)
	}
	if o.backupKeep < 1 {
		return o, fmt.Errorf("--backup-keep 至少为 1,不能是 %d", o.backupKeep)
	}
	if o.backupDir != "" && o.useDynamoDB {
		return o, fmt.Errorf("--backup-dir 只用于 SQLite 数据文件;DynamoDB 表请用时间点恢复和导出(见 README)")
	}
	return o, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "anonymize":
			return runAnonymize(ctx, args[1:], getenv, stdout) // anonymize.go
		case "backup":
			return runBackup(ctx, args[1:], stdout) // backupcmd.go
		case "restore":
			return runRestore(ctx, args[1:], stdout) // backupcmd.go
		}
	}
	o, err := parseOptions(args, getenv)
	if err != nil {
		return err
	}
	console, err := consoleConfig(getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if o.pprofAddr != "" {
		if err := servePprof(o.pprofAddr, logger); err != nil {
			return fmt.Errorf("性能分析接口 %s:%w", o.pprofAddr, err)
		}
	}

	if o.useDynamoDB {
		// The files folder sits beside --data whichever store holds the
		// records.
		if err := checkWritableDir(filepath.Dir(o.data), "文件目录所在的目录", "--data"); err != nil {
			return err
		}
	}
	if o.backupDir != "" {
		if err := os.MkdirAll(o.backupDir, 0o700); err != nil {
			return fmt.Errorf("配置错误:备份目录 %s 无法创建(%w);用 --backup-dir 换一个目录", o.backupDir, err)
		}
		if err := checkWritableDir(o.backupDir, "备份目录", "--backup-dir"); err != nil {
			return err
		}
	}
	backend, err := openBackend(ctx, o, logger)
	if err != nil {
		return err
	}
	defer backend.close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("无法在 %s 上监听(端口被占用时用 --addr 换一个):%w", o.addr, err)
	}
	defer ln.Close()
	if o.publicBaseURL == "" {
		o.publicBaseURL = "http://" + ln.Addr().String()
	}

	files, fileStore, err := openFiles(backend.store, o, logger) // files.go
	if err != nil {
		return err
	}
	router := newRouter(backend.store, backend.stream == nil, logger)
	office := notify.FromEnv(getenv, logger)
	notices := newDispatcher(logger) // notices.go
	cfg := feedback.Config{PublicBaseURL: o.publicBaseURL, Logger: logger, Files: files, Office: office, UnitNotifier: &notify.Channels{},
		Submitters: notify.SubmittersFromEnv(getenv)}
	if backend.stream == nil {
		cfg.Dispatch = notices.enqueue // else the table's stream delivers, as on AWS
	}
	svc := feedback.NewService(router, cfg)
	router.svc, notices.svc = svc, svc

	token, err := ensureAdmin(ctx, backend.store, o)
	if err != nil {
		return err
	}
	if token != "" {
		fmt.Fprintf(stdout, "管理员令牌(只显示这一次,请妥善保存;要更换,设置 JIANYAN_ADMIN_TOKEN 或加 --reset-admin-token 启动):\n\n    %s\n\n", token)
	}

	records, ok := backend.store.(feedback.DocumentRecords)
	if !ok {
		return fmt.Errorf("内部错误:存储不保存文书")
	}
	docs := feedback.NewDocuments(feedback.DocumentsConfig{Service: svc, Records: records, Logger: logger})

	handler := httpapi.NewHandler(
		withPhotos(publicConfig(svc, logger, o), svc, files), // ratelimit.go, files.go
		httpapi.StaffConfig{
			Service:      svc,
			Auth:         &httpapi.TokenAuth{Store: backend.store, AdminToken: o.adminToken},
			Logger:       logger,
			Spreadsheets: xlsx.Codec{},
			Console:      console,
			Files:        files,
			Uploads:      feedback.LocalUploads{Files: files, Receiver: fileStore},
			// The documents Lambda's routes, in the one local process.
			Documents:      docs,
			DocumentWriter: docx.Writer{},
		},
	)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}

	background, cancelBackground := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		wg.Go(func() { router.run(background) })
		wg.Go(func() { notices.run(background) })
		wg.Wait()
	}()
	go sweep(background, svc, o.sweepEvery, o.sweepGrace, logger)
	go sweepFiles(background, files, logger)        // files.go
	go runSchedule(background, svc, office, logger) // schedule.go: summaries and reminders
	backupsDone := make(chan struct{})
	go func() {
		defer close(backupsDone)
		if o.backupDir != "" {
			runBackups(background, o, time.Now, logger) // backupcmd.go
		}
	}()
	if backend.stream != nil {
		ready := make(chan struct{})
		go backend.stream(background, svc, sync.OnceFunc(func() { close(ready) }))
		select {
		case <-ready:
		case <-ctx.Done():
		case <-time.After(30 * time.Second):
			logger.Warn("暂时读不到表的数据流,漏掉的意见建议由定时补分拣处理")
		}
	}

	// The English words are the marker scripts and the benchmark look for
	// ("serving on <url>"); the rest is for the person at the terminal.
	fmt.Fprintf(stdout, "建言已启动 · Jianyan is serving on http://%s · 数据:%s\n", ln.Addr(), backend.describe)
	fmt.Fprintf(stdout, "工作台:http://%s/console/  本窗口需保持打开,按 Ctrl+C 停止服务;其他命令请在另一个终端中执行。\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		cancelBackground()
		return fmt.Errorf("服务中断:%w", err)
	case <-ctx.Done():
	}
	logger.Info("正在停止服务")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	// The router drains what committed submissions queued before it stops.
	cancelBackground()
	<-done
	<-backupsDone // a backup in progress stops and removes its temporary files
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("停止服务:%w", err)
	}
	return nil
}

// consoleConfig is the staff console served beside the API: the embedded
// build of ui/ and the sign-in from the environment (a pasted token unless
// COGNITO_* or OIDC_* are set).
func consoleConfig(getenv func(string) string) (httpapi.ConsoleConfig, error) {
	c, err := httpapi.ConsoleConfigFromEnv(getenv)
	if err != nil {
		return c, fmt.Errorf("配置错误:%w", err)
	}
	c.Files = ui.Dist()
	return c, nil
}

// ensureAdmin makes sure someone can sign in. With JIANYAN_ADMIN_TOKEN set,
// that token is the admin's and nothing is stored. Otherwise the first start
// creates an admin account with a random token and returns it to print; only
// its hash is stored, so later starts print nothing.
func ensureAdmin(ctx context.Context, store feedback.Store, o options) (string, error) {
	if o.adminToken != "" && !o.resetToken {
		return "", nil
	}
	if !o.resetToken {
		page, err := store.ListAccounts(ctx, feedback.MaxListLimit, "")
		if err != nil {
			return "", fmt.Errorf("读取账号:%w", err)
		}
		for {
			for _, a := range page.Items {
				if a.Role == feedback.RoleAdmin {
					return "", nil
				}
			}
			if page.NextCursor == "" {
				break
			}
			if page, err = store.ListAccounts(ctx, feedback.MaxListLimit, page.NextCursor); err != nil {
				return "", fmt.Errorf("读取账号:%w", err)
			}
		}
	}
	token := feedback.NewToken()
	now := time.Now()
	// Its name is what people read beside what it did (办理记录, 修改人):
	// Chinese, like every name in the console.
	acct := &feedback.Account{ID: feedback.NewID(now), Name: "管理员", Role: feedback.RoleAdmin, TokenHash: feedback.HashToken(token), CreatedAt: now}
	if err := store.CreateAccount(ctx, acct); err != nil {
		return "", fmt.Errorf("创建管理员账号:%w", err)
	}
	return token, nil
}
