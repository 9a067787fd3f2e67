package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// clock is a settable clock for the summary scenario.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// periodDay is the day the measured daily summary covers.
var periodDay = time.Date(2025, 3, 10, 0, 0, 0, 0, feedback.Shanghai)

// periodSuggestions is how many suggestions arrive on periodDay.
const periodSuggestions = 30

// summaryReads stores background suggestions before periodDay (spread
// evenly over the 14 months before the week before it), then the same periodSuggestions on
// periodDay, and returns the reads the daily summary for periodDay costs:
// the second of two runs, since the first also warms what a store reads
// once per process (cursor key, month markers).
func summaryReads(ctx context.Context, store feedback.Store, c *clock, reads func() (float64, error), background int) (float64, error) {
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: "https://bench.example.gov.cn", Now: c.Now})
	start := periodDay.AddDate(0, -14, 0)
	c.set(start.Add(-time.Hour))
	code, err := newSymposium(ctx, svc, "汇总读取测算座谈会")
	if err != nil {
		return 0, err
	}
	step := periodDay.AddDate(0, 0, -7).Sub(start) / time.Duration(background+1)
	submit := func(i int, at time.Time) error {
		c.set(at)
		in := feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Kind: feedback.KindSuggestion,
			Topic: "涉企行政检查", Content: fmt.Sprintf("第%d条：建议对涉企行政检查实行综合查一次，减少多头检查、重复检查。", i)}
		if _, _, err := svc.Submit(ctx, code, in, feedback.ChannelQR); err != nil {
			return fmt.Errorf("suggestion %d: %w", i, err)
		}
		return nil
	}
	for i := range background {
		if err := submit(i, start.Add(time.Duration(i+1)*step)); err != nil {
			return 0, err
		}
	}
	for i := range periodSuggestions {
		if err := submit(background+i, periodDay.Add(9*time.Hour+time.Duration(i)*time.Minute)); err != nil {
			return 0, err
		}
	}
	c.set(periodDay.Add(24*time.Hour + 5*time.Minute))
	if _, err := svc.ScheduledSummary(ctx, feedback.Daily, time.Time{}); err != nil {
		return 0, fmt.Errorf("summary: %w", err)
	}
	before, err := reads()
	if err != nil {
		return 0, err
	}
	sm, err := svc.ScheduledSummary(ctx, feedback.Daily, time.Time{})
	if err != nil {
		return 0, fmt.Errorf("summary: %w", err)
	}
	if sm.Suggestions.Received != periodSuggestions {
		return 0, fmt.Errorf("the summary counts %d suggestions received, want %d", sm.Suggestions.Received, periodSuggestions)
	}
	after, err := reads()
	if err != nil {
		return 0, err
	}
	return after - before, nil
}

// sqliteSummaryReads measures on a fresh SQLite file in dir: pages read.
func sqliteSummaryReads(ctx context.Context, dir string, background int) (float64, error) {
	c := &clock{}
	st, err := sqlite.Open(ctx, filepath.Join(dir, fmt.Sprintf("summary-%d.db", background)), sqlite.WithClock(c.Now))
	if err != nil {
		return 0, fmt.Errorf("open sqlite: %w", err)
	}
	defer st.Close()
	return summaryReads(ctx, st, c, func() (float64, error) {
		n, err := st.PagesRead(ctx)
		return float64(n), err
	}, background)
}

// dynamoSummaryReads measures on a fresh table: items read (a Query's
// ScannedCount, 1 per GetItem found), what DynamoDB bills reads by.
func dynamoSummaryReads(ctx context.Context, client *dynamodb.Client, background int) (float64, error) {
	table, drop, err := createTable(ctx, client, "jianyan-bench-sum-")
	if err != nil {
		return 0, err
	}
	defer drop()
	c := &clock{}
	rc := dynamotest.NewReadCounter(client)
	st := dynamo.New(rc, table, dynamo.WithClock(c.Now))
	return summaryReads(ctx, st, c, func() (float64, error) {
		return float64(rc.Reads().Items), nil
	}, background)
}
