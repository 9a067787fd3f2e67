package feedback

import (
	"log/slog"
	"time"
)

// Config configures a Service.
type Config struct {
	// PublicBaseURL is the origin links and QR codes point at, without a
	// trailing slash, e.g. https://jianyan.example.gov.cn.
	PublicBaseURL string
	// Now tells the time; time.Now when nil.
	Now Clock
	// Logger receives operational logs; never personal data.
	Logger *slog.Logger
	// Files are the file use cases, for evidence attached to problems;
	// nil when the host keeps no files (naming files is then refused).
	Files *Files
}

// Service holds the use cases. HTTP handlers, the router's stream handler and
// the summary function call it; it calls the Store, which nothing else
// reaches through it.
type Service struct {
	store   Store
	now     Clock
	baseURL string
	log     *slog.Logger
	routing routerCache // compiled routing rules (route_service.go)
	files   *Files
}

// NewService returns a Service over store.
func NewService(store Store, cfg Config) *Service {
	s := &Service{store: store, now: cfg.Now, baseURL: cfg.PublicBaseURL, log: cfg.Logger, files: cfg.Files}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now() }
