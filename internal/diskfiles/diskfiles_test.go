package diskfiles

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filetest"
)

// receiver stands in for the local server's upload route: it passes the
// post to ReceiveUpload and answers with the status the API maps the
// error kind to.
func receiver(t *testing.T, s **Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, err := (*s).ReceiveUpload(r.Context(), r.Body, r.Header.Get("Content-Type"))
		switch feedback.ErrorCode(err) {
		case "":
			w.WriteHeader(http.StatusCreated)
		case feedback.ETooLarge:
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		case feedback.EForbidden:
			w.WriteHeader(http.StatusForbidden)
		case feedback.EInvalid:
			w.WriteHeader(http.StatusBadRequest)
		default:
			t.Errorf("ReceiveUpload: %v", err)
			w.WriteHeader(http.StatusInternalServerError)
		}
		_, _ = w.Write([]byte(feedback.ErrorMessage(err)))
	})
}

func TestContract(t *testing.T) {
	filetest.Run(t, func(t *testing.T, clock *filetest.Clock) filetest.Backend {
		var s *Store
		srv := httptest.NewServer(receiver(t, &s))
		t.Cleanup(srv.Close)
		var err error
		s, err = New(t.TempDir(), Options{UploadURL: srv.URL + "/upload", Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return filetest.Backend{Storage: s, EnforcesPolicy: true}
	})
}

func TestSecretSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	a, err := New(dir, Options{UploadURL: "http://x/upload"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(dir, Options{UploadURL: "http://x/upload"})
	if err != nil {
		t.Fatal(err)
	}
	if a.secret != b.secret || len(a.secret) < 32 {
		t.Errorf("secret changed on reopen (%d, %d chars)", len(a.secret), len(b.secret))
	}
	st, err := os.Stat(filepath.Join(dir, ".secret"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("secret file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
}

func TestDir(t *testing.T) {
	for in, want := range map[string]string{"jianyan.db": "jianyan-files", "/srv/data/office.sqlite": "/srv/data/office-files", "data": "data-files"} {
		if got := Dir(in); got != want {
			t.Errorf("Dir(%q) = %q, want %q", in, got, want)
		}
	}
}
