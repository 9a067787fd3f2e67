package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// router is the local host of the routing use case. It wraps the store so
// that every suggestion whose creation committed is queued for routing,
// the way the DynamoDB stream triggers the route function on AWS. A full
// queue or a crash only delays routing: the sweeper picks up anything left
// in "received".
type router struct {
	feedback.Store
	svc *feedback.Service
	// inProcess is false when the table's stream drives routing instead
	// (--dynamodb), as on AWS.
	inProcess bool
	// queue holds copies of committed suggestions, as the stream's new
	// images hold them on AWS, so routing starts without a read.
	queue chan feedback.Suggestion
	log   *slog.Logger
}

func newRouter(store feedback.Store, inProcess bool, log *slog.Logger) *router {
	return &router{Store: store, inProcess: inProcess, queue: make(chan feedback.Suggestion, 4096), log: log}
}

// CreateSuggestion stores s and, once the write has committed, queues it.
func (r *router) CreateSuggestion(ctx context.Context, s *feedback.Suggestion) (*feedback.Suggestion, bool, error) {
	stored, created, err := r.Store.CreateSuggestion(ctx, s)
	if err == nil && created && r.inProcess {
		select {
		case r.queue <- *stored:
		default:
			r.log.Warn("分拣队列已满,稍后由定时补分拣", "suggestion_id", stored.ID)
		}
	}
	return stored, created, err
}

// routeWorkers is how many suggestions are routed at once. Routing is a
// read and a write; with several in flight, their writes share the store's
// commits (SQLite group commit) instead of taking one commit each.
const routeWorkers = 8

// run routes queued suggestions until ctx ends, then drains what is queued.
func (r *router) run(ctx context.Context) {
	var wg sync.WaitGroup
	for range routeWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx)
		}()
	}
	wg.Wait()
}

// work is one routing worker.
func (r *router) work(ctx context.Context) {
	for {
		select {
		case sg := <-r.queue:
			r.route(&sg)
		case <-ctx.Done():
			for {
				select {
				case sg := <-r.queue:
					r.route(&sg)
				default:
					return
				}
			}
		}
	}
}

func (r *router) route(sg *feedback.Suggestion) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.svc.RouteInserted(ctx, sg); err != nil {
		r.log.Error("分拣意见建议失败,稍后重试", "suggestion_id", sg.ID, "err", err)
	}
}

// sweep routes, every interval, whatever is still unrouted after grace,
// and sends the notices still pending after grace.
func sweep(ctx context.Context, svc *feedback.Service, every, grace time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			counts, err := svc.SweepUnrouted(ctx, grace)
			if err != nil {
				log.Error("补分拣失败", "err", err)
				continue
			}
			log.Debug("补分拣完成", "counts", counts)
			sent, pending, err := svc.SweepNotices(ctx, grace)
			if err != nil {
				log.Error("补发通知失败", "err", err)
				continue
			}
			if sent+pending > 0 {
				log.Info("补发通知", "delivered", sent, "still_pending", pending)
			}
		}
	}
}
