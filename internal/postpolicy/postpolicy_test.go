package postpolicy

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// The worked example in AWS's S3 API reference, "Example: Browser-Based
// Upload using HTTP POST (Using AWS Signature Version 4)": its credentials,
// the base64 policy it prints and the signature it states.
const (
	exampleKeyID     = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	exampleSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
	examplePolicy    = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
)

func exampleFields() map[string]string {
	return map[string]string{
		"key":                          "user/user1/photo.jpg",
		"acl":                          "public-read",
		"success_action_redirect":      "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
		"Content-Type":                 "image/jpeg",
		"x-amz-meta-uuid":              "14365123651274",
		"x-amz-server-side-encryption": "AES256",
		"X-Amz-Credential":             exampleKeyID + "/20151229/us-east-1/s3/aws4_request",
		"X-Amz-Algorithm":              Algorithm,
		"X-Amz-Date":                   "20151229T000000Z",
		"x-amz-meta-tag":               "",
		"Policy":                       examplePolicy,
		"X-Amz-Signature":              exampleSignature,
	}
}

func exampleSecrets(id string) (string, bool) { return exampleSecret, id == exampleKeyID }

func TestAWSPublishedExample(t *testing.T) {
	if got := Signature(exampleSecret, "20151229", "us-east-1", "s3", examplePolicy); got != exampleSignature {
		t.Fatalf("Signature = %s, want AWS's %s", got, exampleSignature)
	}
	at := time.Date(2015, 12, 29, 12, 0, 0, 0, time.UTC)
	if err := Verify(exampleFields(), "sigv4examplebucket", 1024, at, exampleSecrets); err != nil {
		t.Fatalf("Verify(AWS's example form) = %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	at := time.Date(2015, 12, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		change func(map[string]string)
		bucket string
		at     time.Time
		want   error
	}{
		{"expired", nil, "sigv4examplebucket", time.Date(2015, 12, 30, 12, 0, 0, 0, time.UTC), ErrExpired},
		{"another bucket", nil, "otherbucket", at, ErrCondition},
		{"key outside the prefix", func(f map[string]string) { f["key"] = "user/user2/photo.jpg" }, "sigv4examplebucket", at, ErrCondition},
		{"another content type", func(f map[string]string) { f["Content-Type"] = "text/html" }, "sigv4examplebucket", at, ErrCondition},
		{"a field the policy does not cover", func(f map[string]string) { f["x-amz-website-redirect-location"] = "/evil" }, "sigv4examplebucket", at, ErrCondition},
		{"an ignored field", func(f map[string]string) { f["x-ignore-note"] = "ok" }, "sigv4examplebucket", at, nil},
		{"signature changed", func(f map[string]string) { f["X-Amz-Signature"] = strings.Repeat("0", 64) }, "sigv4examplebucket", at, ErrSignature},
		{"unknown key", func(f map[string]string) {
			f["X-Amz-Credential"] = "AKIDOTHER/20151229/us-east-1/s3/aws4_request"
		}, "sigv4examplebucket", at, ErrUnknownSigner},
		{"no policy", func(f map[string]string) { delete(f, "Policy") }, "sigv4examplebucket", at, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := exampleFields()
			if tt.change != nil {
				tt.change(f)
			}
			if err := Verify(f, tt.bucket, 10, tt.at, exampleSecrets); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestFormRoundTrip(t *testing.T) {
	now := time.Date(2026, 3, 12, 9, 30, 0, 0, time.UTC)
	req := Request{
		Bucket: "jianyan-files", Key: "uploads/01jabc", ContentType: "image/jpeg",
		MinSize: 1, MaxSize: 20 << 20, Expires: now.Add(15 * time.Minute), Now: now,
		Region: "cn-north-1", Credentials: Credentials{"AKIDLOCAL", "secret", "session-token"},
		Fields: map[string]string{"x-amz-server-side-encryption": "AES256"},
	}
	fields, err := Form(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"key", "Content-Type", "policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "x-amz-security-token", "x-amz-server-side-encryption"} {
		if fields[k] == "" {
			t.Errorf("field %s missing", k)
		}
	}
	if got, want := fields["x-amz-credential"], "AKIDLOCAL/20260312/cn-north-1/s3/aws4_request"; got != want {
		t.Errorf("credential %q, want %q", got, want)
	}
	doc, _ := base64.StdEncoding.DecodeString(fields["policy"])
	for _, want := range []string{`"expiration":"2026-03-12T09:45:00.000Z"`, `["content-length-range",1,20971520]`, `["eq","$key","uploads/01jabc"]`, `["eq","$Content-Type","image/jpeg"]`, `{"bucket":"jianyan-files"}`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("policy %s lacks %s", doc, want)
		}
	}
	secrets := func(id string) (string, bool) { return "secret", id == "AKIDLOCAL" }
	tests := []struct {
		name   string
		size   int64
		at     time.Time
		change func(map[string]string)
		want   error
	}{
		{"within the limits", 5 << 20, now.Add(time.Minute), nil, nil},
		{"at the maximum", 20 << 20, now.Add(time.Minute), nil, nil},
		{"one byte over", 20<<20 + 1, now.Add(time.Minute), nil, ErrTooLarge},
		{"empty", 0, now.Add(time.Minute), nil, ErrTooSmall},
		{"after expiry", 10, now.Add(16 * time.Minute), nil, ErrExpired},
		{"declared HTML", 10, now.Add(time.Minute), func(f map[string]string) { f["Content-Type"] = "text/html" }, ErrCondition},
		{"another key", 10, now.Add(time.Minute), func(f map[string]string) { f["key"] = "files/01jabc" }, ErrCondition},
		{"no session token", 10, now.Add(time.Minute), func(f map[string]string) { delete(f, "x-amz-security-token") }, ErrCondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := make(map[string]string)
			for k, v := range fields {
				f[k] = v
			}
			if tt.change != nil {
				tt.change(f)
			}
			if err := Verify(f, "jianyan-files", tt.size, tt.at, secrets); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Form(Request{Bucket: "b", Key: "k", Region: "r", MaxSize: 1, Expires: now, Now: now, Credentials: Credentials{"a", "s", ""}}); err == nil {
		t.Error("Form accepted an expiry that is not after now")
	}
}

func TestMaxSize(t *testing.T) {
	now := time.Date(2026, 3, 12, 9, 30, 0, 0, time.UTC)
	fields, err := Form(Request{Bucket: "b", Key: "uploads/x", ContentType: "image/png", MinSize: 1, MaxSize: 10 << 20,
		Expires: now.Add(time.Minute), Now: now, Region: "local", Credentials: Credentials{"id", "secret", ""}})
	if err != nil {
		t.Fatal(err)
	}
	secrets := func(id string) (string, bool) { return "secret", id == "id" }
	if got, err := MaxSize(fields, secrets); err != nil || got != 10<<20 {
		t.Errorf("MaxSize = %d, %v; want %d", got, err, 10<<20)
	}
	fields["x-amz-signature"] = strings.Repeat("1", 64)
	if _, err := MaxSize(fields, secrets); !errors.Is(err, ErrSignature) {
		t.Errorf("MaxSize of a forged form = %v, want %v", err, ErrSignature)
	}
	if got, err := MaxSize(exampleFields(), exampleSecrets); err != nil || got != -1 {
		t.Errorf("MaxSize(AWS's example, no range) = %d, %v; want -1", got, err)
	}
}
