// Package summarizefn is the handler of the summarize Lambda, which
// EventBridge Scheduler invokes daily, weekly (Monday) and monthly in the
// Asia/Shanghai time zone. It makes the summary of the period that just
// ended and delivers it with the unit reminders (feedback.RunScheduledSummary).
//
// It accepts the scheduler's payload, an events.EventBridgeEvent whose
// detail carries the period ({"detail":{"period":"weekly"}}), a classic
// scheduled rule's event (no period: daily), or a bare {"period":"weekly"}
// for manual invocations. The period is computed from the event's time, not
// the invocation clock, so a late retry summarises the same period.
//
// The same function runs the sweeper: an event whose detail (or top level)
// says {"task":"sweep"} routes every suggestion still unrouted SweepGrace
// after submission (feedback.Service.SweepUnrouted). A schedule in
// template.yaml sends it every ten minutes.
//
// The daily run also removes uploaded files that nothing referenced within
// a day (feedback.Files.SweepUnattached): records and bytes, files/ as well
// as uploads/, which the bucket's lifecycle rule alone would not clear.
//
// And the dead-letter redrive: {"task":"redrive"} sends the batches the
// route function gave up on back through routing (package deadletter). A
// schedule runs it every hour; run it by hand after fixing what made
// routing fail (see README).
package summarizefn

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jianyan/jianyan/internal/deadletter"
	"github.com/jianyan/jianyan/internal/feedback"
)

// Handler runs scheduled summaries. It logs nothing itself: the service
// logs what it did through the logger it was given (the function's
// lambdacontext logger), and a failure is returned, with what was being
// done, for Lambda to record and the scheduler to retry.
type Handler struct {
	svc      *feedback.Service
	notifier feedback.Notifier
	files    FileSweeper
	redriver Redriver
}

// FileSweeper removes the files nothing references (feedback.Files).
type FileSweeper interface {
	SweepUnattached(ctx context.Context) (int, error)
}

// Redriver sends dead-lettered stream batches back through routing
// (*deadletter.Redriver).
type Redriver interface {
	Redrive(ctx context.Context) (deadletter.Result, error)
}

// WithRedriver lets the handler run the redrive task.
func (h *Handler) WithRedriver(r Redriver) *Handler {
	h.redriver = r
	return h
}

// New returns a Handler; n may be nil to send nothing.
func New(svc *feedback.Service, n feedback.Notifier) *Handler {
	return &Handler{svc: svc, notifier: n}
}

// WithFiles makes the daily run sweep files with f too, and returns h.
func (h *Handler) WithFiles(f FileSweeper) *Handler {
	h.files = f
	return h
}

// Tasks an event can name; "" (or summarize) makes a summary.
const (
	TaskSummarize = "summarize"
	TaskSweep     = "sweep"
	TaskRedrive   = "redrive"
)

// SweepGrace is how long a suggestion may stay unrouted before the sweeper
// routes it. The stream routes within seconds and retries a failing batch
// for a few minutes, so the sweeper only picks up what that lost.
const SweepGrace = 5 * time.Minute

// Input is what the handler reads from an event.
type Input struct {
	Task   string // TaskSummarize or TaskSweep
	Period feedback.Period
	Time   time.Time // zero: now
}

// event covers both shapes: EventBridge (detail, time) and bare.
type event struct {
	Task   string          `json:"task"`
	Period string          `json:"period"`
	Time   string          `json:"time"`
	Detail json.RawMessage `json:"detail"`
}

// ParseInput reads the period and scheduled time from a raw event. No
// period means daily; an unknown one is an error (retrying cannot fix it).
func ParseInput(raw []byte) (Input, error) {
	var ev event
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ev); err != nil {
			return Input{}, fmt.Errorf("summarize: decode event: %w", err)
		}
	}
	in := Input{Task: ev.Task, Period: feedback.Period(ev.Period)}
	if len(ev.Detail) > 0 && string(ev.Detail) != "null" {
		var d struct {
			Task   string `json:"task"`
			Period string `json:"period"`
		}
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			return Input{}, fmt.Errorf("summarize: decode event detail: %w", err)
		}
		if d.Period != "" {
			in.Period = feedback.Period(d.Period)
		}
		if d.Task != "" {
			in.Task = d.Task
		}
	}
	switch in.Task {
	case "", TaskSummarize:
		in.Task = TaskSummarize
	case TaskSweep, TaskRedrive:
		return in, nil
	default:
		return Input{}, fmt.Errorf("summarize: unknown task %q", in.Task)
	}
	if in.Period == "" {
		in.Period = feedback.Daily
	}
	if !in.Period.Valid() {
		return Input{}, fmt.Errorf("summarize: unknown period %q", in.Period)
	}
	if ev.Time != "" {
		t, err := time.Parse(time.RFC3339, ev.Time)
		if err != nil {
			return Input{}, fmt.Errorf("summarize: event time %q: %w", ev.Time, err)
		}
		in.Time = t
	}
	return in, nil
}

// Result is what an invocation returns (visible in the Lambda console and
// to the emulator tests).
type Result struct {
	SummaryID string   `json:"summary_id"`
	Period    string   `json:"period"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Received  int      `json:"received"`
	Overdue   int      `json:"overdue"`
	Delivered []string `json:"delivered"`
	// Swept is set by a sweep (and nothing else is).
	Swept *SweepResult `json:"swept,omitempty"`
	// FilesRemoved counts the unreferenced files the daily run removed.
	FilesRemoved int `json:"files_removed,omitempty"`
	// Redriven is set by a redrive (and nothing else is).
	Redriven *deadletter.Result `json:"redriven,omitempty"`
}

// SweepResult reports a sweep.
type SweepResult struct {
	Examined int `json:"examined"`
	Routed   int `json:"routed"`
	Failed   int `json:"failed"`
}

// Handle is the Lambda entry point.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	in, err := ParseInput(raw)
	if err != nil {
		return Result{}, err
	}
	if in.Task == TaskRedrive {
		if h.redriver == nil {
			return Result{}, fmt.Errorf("summarize: redrive: no dead-letter queue configured (DEAD_LETTER_QUEUE_URL)")
		}
		r, err := h.redriver.Redrive(ctx)
		res := Result{Redriven: &r}
		if err != nil {
			// The scheduler retries; what is left stays in the queue, and
			// the queue's alarms say so if it stays there.
			return res, fmt.Errorf("summarize: %w", err)
		}
		return res, nil
	}
	if in.Task == TaskSweep {
		c, err := h.svc.SweepUnrouted(ctx, SweepGrace)
		res := Result{Swept: &SweepResult{Examined: c.Examined, Routed: c.Moved, Failed: c.Failed}}
		if err != nil {
			// Returning the error makes the scheduler retry; routing is
			// idempotent, so a retry only finishes what is left.
			return res, fmt.Errorf("summarize: %w", err)
		}
		return res, nil
	}
	sm, err := h.svc.RunScheduledSummary(ctx, in.Period, in.Time, h.notifier)
	if sm == nil {
		return Result{}, fmt.Errorf("summarize: %s summary: %w", in.Period, err)
	}
	res := Result{
		SummaryID: sm.ID, Period: string(sm.Period), From: string(sm.From), To: string(sm.To),
		Received: sm.Suggestions.Received, Overdue: sm.Problems.Overdue, Delivered: append([]string{}, sm.Delivered...),
	}
	if err != nil {
		// The summary is stored; some notices failed. Returning the error
		// makes Lambda retry, which sends only what is missing.
		return res, fmt.Errorf("summarize: deliver summary %s: %w", sm.ID, err)
	}
	if in.Period == feedback.Daily && h.files != nil {
		// After the summary, so a failing storage never holds it up; an
		// error makes Lambda retry, which re-sends nothing already sent
		// and removes what is left.
		n, err := h.files.SweepUnattached(ctx)
		res.FilesRemoved = n
		if err != nil {
			return res, fmt.Errorf("summarize: sweep unreferenced files: %w", err)
		}
	}
	return res, nil
}
