package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The local summary schedule, the in-process stand-in for EventBridge
// Scheduler: every day at scheduleAt (Asia/Shanghai) the daily summary of
// yesterday, on Mondays also the weekly one, on the 1st also the monthly
// one, each delivered through n (notify.FromEnv: JIANYAN_WEBHOOK_URL or the
// log). At start-up it catches up: a period that just ended and has no
// summary yet (the process was down at the scheduled time) is summarised
// at once. Runs are idempotent per period (feedback.RunScheduledSummary).

// scheduleAt is the time of day the scheduled summaries run.
const scheduleAt = 5 * time.Minute // 00:05

// nextRun returns the first scheduled instant after now.
func nextRun(now time.Time) time.Time {
	day := feedback.DateOf(now).Start()
	at := day.Add(scheduleAt)
	if !at.After(now) {
		at = day.AddDate(0, 0, 1).Add(scheduleAt)
	}
	return at
}

// duePeriods lists the periods scheduled at instant at.
func duePeriods(at time.Time) []feedback.Period {
	t := at.In(feedback.Shanghai)
	out := []feedback.Period{feedback.Daily}
	if t.Weekday() == time.Monday {
		out = append(out, feedback.Weekly)
	}
	if t.Day() == 1 {
		out = append(out, feedback.Monthly)
	}
	return out
}

// runSchedule runs the summary schedule until ctx ends.
func runSchedule(ctx context.Context, svc *feedback.Service, n feedback.Notifier, log *slog.Logger) {
	run := func(p feedback.Period, at time.Time) {
		if sm, err := svc.RunScheduledSummary(ctx, p, at, n); err != nil && ctx.Err() == nil {
			log.Error("定时汇总失败", "period", p, "err", err)
		} else if sm != nil {
			log.Info("定时汇总已生成", "summary_id", sm.ID)
		}
	}
	made, err := svc.CatchUpScheduledSummaries(ctx, svc.Now(), n)
	for _, sm := range made {
		log.Info("已补做错过的定时汇总", "summary_id", sm.ID)
	}
	if err != nil && ctx.Err() == nil {
		log.Error("补做定时汇总失败", "err", err)
	}
	for {
		at := nextRun(svc.Now())
		timer := time.NewTimer(time.Until(at))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		for _, p := range duePeriods(at) {
			run(p, at)
		}
	}
}
