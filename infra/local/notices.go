package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// dispatcher is the local host of notice delivery: the service hands it
// every outbox notice once the write that stored it has committed
// (feedback.Config.Dispatch), the way the table's stream hands them to the
// route function on AWS. A full queue or a crash only delays a notice: the
// sweeper sends what is still pending.
type dispatcher struct {
	svc   *feedback.Service
	queue chan *feedback.Notice
	log   *slog.Logger
}

func newDispatcher(log *slog.Logger) *dispatcher {
	return &dispatcher{queue: make(chan *feedback.Notice, 1024), log: log}
}

// enqueue is feedback.Config.Dispatch.
func (d *dispatcher) enqueue(n *feedback.Notice) {
	select {
	case d.queue <- n:
	default:
		d.log.Warn("通知队列已满,稍后由定时补发", "notice_id", n.ID)
	}
}

// noticeWorkers is how many notices are sent at once: each is a few HTTP
// requests to slow outside services.
const noticeWorkers = 4

// run delivers queued notices until ctx ends, then what is queued.
func (d *dispatcher) run(ctx context.Context) {
	var wg sync.WaitGroup
	for range noticeWorkers {
		wg.Go(func() {
			for {
				select {
				case n := <-d.queue:
					d.deliver(n)
				case <-ctx.Done():
					for {
						select {
						case n := <-d.queue:
							d.deliver(n)
						default:
							return
						}
					}
				}
			}
		})
	}
	wg.Wait()
}

func (d *dispatcher) deliver(n *feedback.Notice) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := d.svc.DeliverNotice(ctx, n); err != nil {
		d.log.Error("发送通知失败,稍后重试", "notice_id", n.ID, "err", err)
	}
}
