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
	// Office delivers every notice to the office's channel (SNS on AWS,
	// the webhook locally); UnitNotifier delivers notices to units' own
	// channels (package notify). Only the hosts that deliver notices set
	// them: the stream function on AWS, the local stack.
	Office       Notifier
	UnitNotifier UnitNotifier
	// Submitters delivers reply notices to the submitters who asked for
	// them (SNS on AWS: an SMS, or the topic for an e-mail address; the
	// webhook locally, with the address for the office's relay); nil
	// where notices reach only the office's channel.
	Submitters SubmitterNotifier
	// SubmitterNoticesElsewhere says that another host of the same
	// deployment delivers reply notices to submitters (on AWS the route
	// function does, for the collect function's forms). With Submitters
	// set, or this, the form offers "有办理结果时通知我"; otherwise it
	// would promise a message nobody sends.
	SubmitterNoticesElsewhere bool
	// Dispatch, when set, receives every outbox notice once the write that
	// stored it has committed: the local stack's in-process delivery. On
	// AWS it is nil; the table's stream delivers (notice_service.go).
	Dispatch func(*Notice)
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
	// settings caches the office's settings for public pages
	// (settings_service.go).
	settings settingsCache
	files    *Files

	office       Notifier
	unitNotifier UnitNotifier
	submitters   SubmitterNotifier
	// offersSubmitterNotices: reply notices reach submitters (Submitters here,
	// or another host: Config.SubmitterNoticesElsewhere).
	offersSubmitterNotices bool
	dispatch               func(*Notice)
}

// NewService returns a Service over store.
func NewService(store Store, cfg Config) *Service {
	s := &Service{store: store, now: cfg.Now, baseURL: cfg.PublicBaseURL, log: cfg.Logger, files: cfg.Files,
		office: cfg.Office, unitNotifier: cfg.UnitNotifier, submitters: cfg.Submitters, dispatch: cfg.Dispatch,
		offersSubmitterNotices: cfg.Submitters != nil || cfg.SubmitterNoticesElsewhere}
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
