package dynamo

import (
	"sync"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// WithSymposiumCache makes GetSymposiumByCode keep what it read for ttl, so
// that a busy warm instance of the public collect function does one write
// and no read per submission (the form page and every submission look the
// symposium up by its code). The price is staleness: a symposium that staff
// close or edit through another process is seen by this Store up to ttl
// late (writes through this Store take effect at once). Off by default;
// only functions/collect turns it on.
func WithSymposiumCache(ttl time.Duration) Option {
	return func(s *Store) { s.codes = &codeCache{ttl: ttl, m: map[string]cachedSymposium{}} }
}

// codeCache holds symposia by code for a short time.
type codeCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedSymposium
}

type cachedSymposium struct {
	sym     feedback.Symposium
	expires time.Time
}

// maxCachedCodes bounds the cache: codes are few, but a scan of made-up
// codes must not grow it (only codes that exist are cached).
const maxCachedCodes = 1024

func (c *codeCache) get(code string, now time.Time) (*feedback.Symposium, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[code]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	sym := e.sym
	sym.AllowedKinds = append([]feedback.ParticipantKind(nil), e.sym.AllowedKinds...)
	return &sym, true
}

func (c *codeCache) put(sym *feedback.Symposium, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedCodes {
		clear(c.m)
	}
	e := cachedSymposium{sym: *sym, expires: now.Add(c.ttl)}
	e.sym.AllowedKinds = append([]feedback.ParticipantKind(nil), sym.AllowedKinds...)
	c.m[sym.Code] = e
}

// forget drops every entry: after a write through this Store (which may
// have changed or moved a code).
func (c *codeCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
