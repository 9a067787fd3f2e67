package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
)

// openFiles keeps uploaded files in the folder beside the data file
// (jianyan.db → jianyan-files), whichever store holds the records.
func openFiles(store feedback.Store, o options, log *slog.Logger) (*feedback.Files, *diskfiles.Store, error) {
	records, ok := store.(feedback.FileRecords)
	if !ok {
		return nil, nil, fmt.Errorf("内部错误:存储不保存文件记录")
	}
	dir := diskfiles.Dir(o.data)
	fs, err := diskfiles.New(dir, diskfiles.Options{UploadURL: o.publicBaseURL + httpapi.LocalUploadPath})
	if err != nil {
		return nil, nil, fmt.Errorf("文件目录 %s:%w", dir, err)
	}
	files := feedback.NewFiles(feedback.FileConfig{Records: records, Storage: fs, Problems: store, Logger: log})
	return files, fs, nil
}

// fileSweepEvery is how often files referenced by nothing for a day are
// removed.
const fileSweepEvery = time.Hour

func sweepFiles(ctx context.Context, files *feedback.Files, log *slog.Logger) {
	t := time.NewTicker(fileSweepEvery)
	defer t.Stop()
	for {
		if n, err := files.SweepUnattached(ctx); err != nil {
			log.Error("清理无引用的文件失败", "err", err)
		} else if n > 0 {
			log.Info("已删除无引用的文件", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// withPhotos has the public form's photos that come inside form posts
// checked at once, as the upload route checks uploads.
func withPhotos(cfg httpapi.PublicConfig, svc *feedback.Service, files *feedback.Files) httpapi.PublicConfig {
	cfg.Photos = feedback.LocalPhotos{Service: svc, Files: files}
	return cfg
}
