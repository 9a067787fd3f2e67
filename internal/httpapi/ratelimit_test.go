package httpapi

import (
	"testing"
	"time"
)

func TestLimiterVenueNAT(t *testing.T) {
	clock := &testClock{now: time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)}
	l := NewLimiter(DefaultSubmitPerIP, clock.Now)
	// 200 participants behind one address, then 200 more (second thoughts)
	// within five minutes: all allowed.
	for i := range 400 {
		if ok, _ := l.Allow("203.0.113.17"); !ok {
			t.Fatalf("submission %d refused", i)
		}
		clock.Advance(750 * time.Millisecond)
	}
}

func TestLimiterFlood(t *testing.T) {
	clock := &testClock{now: time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)}
	l := NewLimiter(RateLimit{Burst: 300, PerSecond: 1}, clock.Now)
	allowed := 0
	var wait time.Duration
	for range 1000 {
		ok, w := l.Allow("198.51.100.1")
		if ok {
			allowed++
		} else {
			wait = w
		}
	}
	if allowed != 300 {
		t.Errorf("allowed %d of a burst of 1000, want 300", allowed)
	}
	if wait <= 0 || wait > time.Second {
		t.Errorf("Retry-After %v, want (0, 1s]", wait)
	}
	if ok, _ := l.Allow("198.51.100.2"); !ok {
		t.Errorf("another address was limited")
	}
	clock.Advance(10 * time.Second)
	allowed = 0
	for range 20 {
		if ok, _ := l.Allow("198.51.100.1"); ok {
			allowed++
		}
	}
	if allowed != 10 {
		t.Errorf("after 10 s allowed %d, want 10", allowed)
	}
}

func TestLimiterPrunes(t *testing.T) {
	clock := &testClock{now: time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)}
	l := NewLimiter(RateLimit{Burst: 2, PerSecond: 1}, clock.Now)
	for i := range maxBuckets + 10 {
		l.Allow(string(rune(i)))
		if i == maxBuckets/2 {
			clock.Advance(time.Minute)
		}
	}
	if n := len(l.buckets); n > maxBuckets {
		t.Errorf("%d buckets, want at most %d", n, maxBuckets)
	}
}
