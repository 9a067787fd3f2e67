package httpapi

import (
	"math"
	"sync"
	"time"
)

// RateLimit configures a token bucket: Burst requests at once, refilled at
// PerSecond.
type RateLimit struct {
	Burst     int
	PerSecond float64
}

// Default limits for the public routes. API Gateway's HTTP API has no
// per-client throttling, so these live in the app.
//
// SubmitPerIP: a symposium seats up to ~200 people, and venue Wi-Fi puts all
// of them behind one NAT address. A burst of 300 lets every one of them send
// a suggestion in the same minute with room for retries over a dropping
// connection; the refill of 1 per second adds another 300 in five minutes,
// enough for those who send two or three. A flood from one address is held
// to 1 submission per second (3,600 an hour) once the burst is spent.
//
// SubmitPerSymposium caps what one symposium takes from everyone together
// (a distributed flood against one form): 1,000 at once, then 2 per second,
// ten times a real symposium's volume.
//
// ReadPerIP covers form pages, receipts and static files: each participant
// loads a few pages, so 1,500 at once and 10 per second after that.
//
// UploadPerIP and UploadPerSymposium cover photo uploads for problem leads
// (a submission carries up to three): three times the submission limits.
//
// The buckets live in the memory of one process: on Lambda each execution
// environment keeps its own, so the effective limit scales with concurrency.
// The stage's route throttling and the function's reserved concurrency in
// the template bound that from outside.
var (
	DefaultSubmitPerIP        = RateLimit{Burst: 300, PerSecond: 1}
	DefaultSubmitPerSymposium = RateLimit{Burst: 1000, PerSecond: 2}
	DefaultReadPerIP          = RateLimit{Burst: 1500, PerSecond: 10}
	DefaultUploadPerIP        = RateLimit{Burst: 900, PerSecond: 3}
	DefaultUploadPerSymposium = RateLimit{Burst: 3000, PerSecond: 6}
)

// maxBuckets bounds a limiter's memory. When it is exceeded, buckets that
// have refilled completely (indistinguishable from new ones) are dropped.
const maxBuckets = 50_000

// Limiter is a set of token buckets keyed by a string (an address, a
// symposium code). It is safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	limit   RateLimit
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a Limiter with the given limit and clock (time.Now when
// nil).
func NewLimiter(limit RateLimit, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{limit: limit, now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token for key. When none is left it returns false and how
// long until one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.limit.Burst <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: float64(l.limit.Burst), last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if l.limit.PerSecond <= 0 {
		return false, time.Hour
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) / l.limit.PerSecond * float64(time.Second)))
	return false, wait
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(float64(l.limit.Burst), b.tokens+el*l.limit.PerSecond)
		b.last = now
	}
}

// prune drops full buckets; if every bucket is in use it starts afresh,
// which at worst lets a burst through once rather than growing without end.
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= float64(l.limit.Burst) {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		l.buckets = map[string]*bucket{}
	}
}
