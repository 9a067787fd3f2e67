package s3files

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filetest"
	"github.com/jianyan/jianyan/internal/postpolicy"
	"github.com/jianyan/jianyan/internal/s3files/s3test"
)

func TestContract(t *testing.T) {
	ep := s3test.Endpoint(t)
	filetest.Run(t, func(t *testing.T, clock *filetest.Clock) filetest.Backend {
		s, err := New(Config{Bucket: s3test.CreateBucket(t, ep), Region: s3test.Region, Endpoint: ep, Credentials: s3test.Credentials, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		// moto_server accepts any POST; the policy S3 enforces is checked
		// below with the algorithm S3 runs.
		return filetest.Backend{Storage: s, EnforcesPolicy: false}
	})
}

// TestUploadFormIsWhatS3Checks verifies the presigned POST with the same
// algorithm S3 runs (package postpolicy, tested against AWS's published
// example): moto_server does not check policies, real S3 does.
func TestUploadFormIsWhatS3Checks(t *testing.T) {
	now := time.Date(2026, 3, 12, 1, 30, 0, 0, time.UTC)
	creds := credentials.NewStaticCredentialsProvider("ASIAEXAMPLE", "secret", "session")
	s, err := New(Config{Bucket: "jianyan-files-123", Region: "cn-north-1", Credentials: creds, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	form, err := s.UploadForm(context.Background(), feedback.UploadRequest{Key: "uploads/01jx", ContentType: "image/png", MaxSize: 10 << 20, Expires: now.Add(15 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://jianyan-files-123.s3.cn-north-1.amazonaws.com.cn"; form.URL != want {
		t.Errorf("URL %s, want %s", form.URL, want)
	}
	secrets := func(id string) (string, bool) { return "secret", id == "ASIAEXAMPLE" }
	if err := postpolicy.Verify(form.Fields, "jianyan-files-123", 10<<20, now.Add(time.Minute), secrets); err != nil {
		t.Errorf("S3 would refuse the form: %v", err)
	}
	if form.Fields["x-amz-security-token"] != "session" {
		t.Errorf("the session token is not in the form")
	}
	for _, bad := range []struct {
		name   string
		size   int64
		at     time.Time
		bucket string
	}{
		{"over the size", 10<<20 + 1, now.Add(time.Minute), "jianyan-files-123"},
		{"after expiry", 10, now.Add(16 * time.Minute), "jianyan-files-123"},
		{"another bucket", 10, now.Add(time.Minute), "other"},
	} {
		if err := postpolicy.Verify(form.Fields, bad.bucket, bad.size, bad.at, secrets); err == nil {
			t.Errorf("%s: S3 would accept the form", bad.name)
		}
	}
}

func TestDownloadURLIsAnAttachment(t *testing.T) {
	now := time.Date(2026, 3, 12, 1, 30, 0, 0, time.UTC)
	creds := credentials.NewStaticCredentialsProvider("AKID", "secret", "tok")
	s, err := New(Config{Bucket: "b", Region: "us-east-1", Credentials: creds, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.DownloadURL(context.Background(), "files/01jx", feedback.Download{Filename: "整改 报告.pdf", ContentType: "application/pdf", TTL: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	checks := map[string]string{
		"X-Amz-Expires":                "120",
		"response-content-type":        "application/pdf",
		"response-content-disposition": `attachment; filename="__ __.pdf"; filename*=UTF-8''%E6%95%B4%E6%94%B9%20%E6%8A%A5%E5%91%8A.pdf`,
		"X-Amz-Security-Token":         "tok",
		"X-Amz-Algorithm":              "AWS4-HMAC-SHA256",
	}
	for k, want := range checks {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if u.Host != "b.s3.us-east-1.amazonaws.com" || u.Path != "/files/01jx" || !strings.HasPrefix(q.Get("X-Amz-Credential"), "AKID/20260312/us-east-1/s3/") || q.Get("X-Amz-Signature") == "" {
		t.Errorf("URL %s", raw)
	}
}
