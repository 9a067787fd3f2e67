package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// runAnonymize is the `anonymize` subcommand: it erases the name,
// organization and contact, and removes the photos, of every suggestion
// submitted more than
// --older-than ago (feedback.Service.AnonymizePersonalData), on the SQLite
// file or, with --dynamodb, the DynamoDB table (AWS_ENDPOINT_URL_DYNAMODB,
// TABLE_NAME, the usual AWS credentials). It runs as an administrator named
// "command line" in the audit event. It is idempotent: run it from cron.
//
//	jianyan-local anonymize --older-than 730d --data jianyan.db
func runAnonymize(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var o options
	var olderThan string
	fs := flag.NewFlagSet("jianyan-local anonymize", flag.ContinueOnError)
	fs.StringVar(&o.data, "data", "jianyan.db", "SQLite 数据文件")
	fs.BoolVar(&o.useDynamoDB, "dynamodb", false, "匿名化 DynamoDB(AWS_ENDPOINT_URL_DYNAMODB、TABLE_NAME)中的数据,而不是 SQLite")
	fs.StringVar(&olderThan, "older-than", "", "保存期限:提交时间早于此的意见建议删除个人信息(例如 730d、8760h)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("anonymize:多余的参数 %q", fs.Args())
	}
	retention, err := parseRetention(olderThan)
	if err != nil {
		return err
	}
	o.table = getenv("TABLE_NAME")
	if o.table == "" {
		o.table = "jianyan"
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	backend, err := openBackend(ctx, o, logger)
	if err != nil {
		return err
	}
	defer backend.close()
	// Problem leads' photos are removed with the rest: the files folder
	// beside --data.
	files, _, err := openFiles(backend.store, o, logger) // files.go
	if err != nil {
		return err
	}
	svc := feedback.NewService(backend.store, feedback.Config{Logger: logger, Files: files})
	admin := feedback.Identity{Subject: "cli", Name: "command line", Role: feedback.RoleAdmin}
	c, err := svc.AnonymizePersonalData(ctx, admin, retention)
	if c.AuditID != "" {
		// The run is in the audit log; its ID would mean nothing to the
		// person at the terminal.
		fmt.Fprintf(stdout, "%s 之前提交的意见建议:检查 %d 条,匿名化 %d 条,失败 %d 条。本次处理已记入审计记录。\n",
			c.Cutoff.In(feedback.Shanghai).Format("2006-01-02 15:04"), c.Examined, c.Anonymized, c.Failed)
	}
	return err
}

// parseRetention reads a retention period: a number of days ("730d") or a
// Go duration ("17520h").
func parseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("anonymize:请用 --older-than 指定保存期限,例如 730d")
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 36500 {
			return 0, fmt.Errorf("anonymize:--older-than %q 无效,天数应为 1 到 36500 的整数,例如 730d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < feedback.MinRetention {
		return 0, fmt.Errorf("anonymize:--older-than %q 无效,应为天数(如 730d)或不短于 %s 的时长", s, feedback.MinRetention)
	}
	return d, nil
}
