package main

import (
	"log/slog"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
)

// publicConfig configures the public routes. With --rate-limit=off the
// per-address and per-symposium limits are lifted (a zero burst means no
// limit): the benchmark and the load test send thousands of submissions
// from 127.0.0.1, which the venue-NAT limits would answer with 429. Never
// run a public deployment like that; the process says so loudly.
func publicConfig(svc *feedback.Service, log *slog.Logger, o options) httpapi.PublicConfig {
	cfg := httpapi.PublicConfig{Service: svc, Logger: log}
	if o.rateLimit == "off" {
		off := &httpapi.RateLimit{}
		cfg.SubmitPerIP, cfg.SubmitPerSymposium, cfg.ReadPerIP, cfg.UploadPerIP, cfg.UploadPerSymposium = off, off, off, off, off
		log.Warn("限流已关闭 RATE LIMITS ARE OFF(--rate-limit=off):仅用于基准和压力测试,切勿用于公开地址")
	}
	return cfg
}
