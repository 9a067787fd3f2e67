package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// runBackup is the `backup` subcommand: one backup of the data file and
// its files folder into a folder, while the server may be running.
//
//	jianyan-local backup --data jianyan.db --to /mnt/backup/jianyan [--keep 30]
func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("jianyan-local backup", flag.ContinueOnError)
	data := fs.String("data", "jianyan.db", "要备份的 SQLite 数据文件")
	to := fs.String("to", "", "备份写入的目录(必填)")
	keep := fs.Int("keep", 0, "备份后目录里只保留这个数据文件最近的 N 份备份(0:全部保留)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("backup:多余的参数 %q", fs.Args())
	}
	if *to == "" {
		return errors.New("backup:请用 --to 指定备份目录")
	}
	if *keep < 0 {
		return errors.New("backup:--keep 不能是负数")
	}
	p, m, err := writeBackup(ctx, *data, *to, time.Now())
	if err != nil {
		return fmt.Errorf("备份失败:%w", err)
	}
	fmt.Fprintf(stdout, "已备份到 %s(数据文件 %d 字节,结构版本 %d;文件 %d 个,共 %d 字节)\n", p, m.DatabaseBytes, m.SchemaVersion, m.Files, m.FilesBytes)
	if *keep > 0 {
		removed, err := pruneBackups(*to, *data, *keep)
		for _, r := range removed {
			fmt.Fprintf(stdout, "已删除较早的备份 %s\n", r)
		}
		if err != nil {
			return fmt.Errorf("backup:清理较早的备份失败:%w", err)
		}
	}
	return nil
}

// runRestore is the `restore` subcommand (restore.go).
//
//	jianyan-local restore --from /mnt/backup/jianyan/jianyan-20250312-023000.tar.gz --data jianyan.db
func runRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("jianyan-local restore", flag.ContinueOnError)
	from := fs.String("from", "", "要恢复的备份(必填):.tar.gz 备份文件,或 SQLite 数据文件的副本")
	data := fs.String("data", "jianyan.db", "恢复到的 SQLite 数据文件(须先停止服务)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("restore:多余的参数 %q", fs.Args())
	}
	if *from == "" {
		return errors.New("restore:请用 --from 指定备份文件")
	}
	res, err := restoreBackup(ctx, *from, *data, time.Now())
	if err != nil {
		return fmt.Errorf("恢复失败:%w", err)
	}
	fmt.Fprintln(stdout, restoreMessage(*from, *data, res))
	for _, k := range res.Kept {
		fmt.Fprintf(stdout, "原来的 %s 保留为 %s,确认无误后可删除。\n", k[0], k[1])
	}
	fmt.Fprintln(stdout, "现在可以启动服务;较早版本的备份会在启动时自动升级。")
	return nil
}

// Scheduled backups (--backup-dir, --backup-keep): the server makes one
// backup a day at backupAt (Beijing time), and one at start-up when the
// folder has none of today yet, then keeps the newest --backup-keep.

// backupAt is the time of day scheduled backups run.
const backupAt = 2*time.Hour + 30*time.Minute // 02:30

// nextBackup returns the first scheduled backup instant after now.
func nextBackup(now time.Time) time.Time {
	day := feedback.DateOf(now).Start()
	at := day.Add(backupAt)
	if !at.After(now) {
		at = day.AddDate(0, 0, 1).Add(backupAt)
	}
	return at
}

// backupDue reports whether the folder has no backup of today yet.
func backupDue(dir, data string, now time.Time) bool {
	return latestBackupDay(dir, data) < now.In(feedback.Shanghai).Format("20060102")
}

// runBackups runs the daily backups until ctx ends.
func runBackups(ctx context.Context, o options, now func() time.Time, log *slog.Logger) {
	backup := func() {
		p, m, err := writeBackup(ctx, o.data, o.backupDir, now())
		if err != nil {
			if ctx.Err() == nil {
				log.Error("每日备份失败", "dir", o.backupDir, "err", err)
			}
			return
		}
		log.Info("每日备份完成", "file", p, "database_bytes", m.DatabaseBytes, "files", m.Files)
		removed, err := pruneBackups(o.backupDir, o.data, o.backupKeep)
		for _, r := range removed {
			log.Info("已删除较早的备份", "file", r)
		}
		if err != nil {
			log.Error("清理较早的备份失败", "dir", o.backupDir, "err", err)
		}
	}
	if backupDue(o.backupDir, o.data, now()) {
		backup()
	}
	for {
		// The wait is measured on now's clock, the one the schedule is
		// read on.
		t := now()
		timer := time.NewTimer(nextBackup(t).Sub(t))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		backup()
	}
}
