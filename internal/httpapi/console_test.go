package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jianyan/jianyan/internal/httpapi"
)

const testIndex = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>建言工作台</title>` +
	`<script type="module" src="/console/assets/app.js"></script></head><body><div id="app"></div></body></html>`

// testConsoleFiles stands in for ui.Dist(): the tests of this package do
// not depend on the real build.
func testConsoleFiles() fs.FS {
	return fstest.MapFS{
		"index.html":        {Data: []byte(testIndex)},
		"assets/app.js":     {Data: []byte(strings.Repeat("console.log('建言');\n", 200))},
		"assets/app.css":    {Data: []byte("body{margin:0}")},
		"assets/.hidden.js": {Data: []byte("x")},
	}
}

func testConsole() httpapi.ConsoleConfig { return httpapi.ConsoleConfig{Files: testConsoleFiles()} }

func serve(h http.Handler, method, target string, hdr map[string]string) *http.Response {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestConsoleHandler: the console's files with their types and cache
// lifetimes, the application's routes answered with index.html (so a
// notice's link opens its page), gzip for browsers that take it, and 404
// for what is not a file.
func TestConsoleHandler(t *testing.T) {
	h := httpapi.NewConsoleHandler(testConsole(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, tc := range []struct {
		target, wantType, wantCache string
		wantStatus                  int
		wantBody                    string
	}{
		{"/console/", "text/html; charset=utf-8", "no-cache", 200, "建言工作台"},
		{"/console/index.html", "text/html; charset=utf-8", "no-cache", 200, "建言工作台"},
		{"/console/summaries/01jabc", "text/html; charset=utf-8", "no-cache", 200, "建言工作台"},
		{"/console/problems/01jabc?x=1", "text/html; charset=utf-8", "no-cache", 200, "建言工作台"},
		{"/console/assets/app.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", 200, "console.log"},
		{"/console/assets/app.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable", 200, "body{margin:0}"},
		{"/console/assets/missing.js", "application/json; charset=utf-8", "no-store", 404, "页面不存在"},
		{"/console/assets/missing", "application/json; charset=utf-8", "no-store", 404, ""},
		{"/console/assets/.hidden.js", "application/json; charset=utf-8", "no-store", 404, ""},
		{"/console/config.json", "application/json; charset=utf-8", "no-store", 200, `"auth":"token"`},
		{"/api/v1/symposia", "application/json; charset=utf-8", "no-store", 404, ""},
	} {
		resp := serve(h, "GET", tc.target, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tc.wantStatus || resp.Header.Get("Content-Type") != tc.wantType || resp.Header.Get("Cache-Control") != tc.wantCache {
			t.Errorf("GET %s: status %d, type %q, cache %q; want %d, %q, %q", tc.target, resp.StatusCode,
				resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), tc.wantStatus, tc.wantType, tc.wantCache)
		}
		if !strings.Contains(string(body), tc.wantBody) {
			t.Errorf("GET %s: body %.120q lacks %q", tc.target, body, tc.wantBody)
		}
		if resp.StatusCode == 200 && strings.HasPrefix(tc.wantType, "text/html") {
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("GET %s: CSP %q", tc.target, csp)
			}
		}
	}
	if resp := serve(h, "GET", "/console", nil); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/console/" {
		t.Errorf("GET /console: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	resp := serve(h, "GET", "/console/assets/app.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip: encoding %q, vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if want := strings.Repeat("console.log('建言');\n", 200); string(plain) != want {
		t.Errorf("gunzipped body differs: %d bytes, want %d", len(plain), len(want))
	}
	if resp := serve(h, "GET", "/console/assets/app.js", map[string]string{"Accept-Encoding": "gzip;q=0"}); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got %q", resp.Header.Get("Content-Encoding"))
	}
}

// TestConsoleConfigOIDC: with a user pool the console signs in through
// the hosted page, and the CSP lets it reach the token endpoint only.
func TestConsoleConfigOIDC(t *testing.T) {
	env := map[string]string{"COGNITO_DOMAIN": "jianyan-1.auth.ap-east-1.amazoncognito.com", "COGNITO_CLIENT_ID": "abc123"}
	cfg, err := httpapi.ConsoleConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Files = testConsoleFiles()
	h := httpapi.NewConsoleHandler(cfg, nil)
	resp := serve(h, "GET", "/console/config.json", nil)
	var got map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"auth": "oidc", "authorize_url": "https://jianyan-1.auth.ap-east-1.amazoncognito.com/oauth2/authorize",
		"token_url": "https://jianyan-1.auth.ap-east-1.amazoncognito.com/oauth2/token", "logout_url": "https://jianyan-1.auth.ap-east-1.amazoncognito.com/logout",
		"client_id": "abc123", "scopes": "openid email profile", "token_use": "access", "logout_redirect_param": "logout_uri", "provider": "user_pool"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("config.json %s = %q, want %q", k, got[k], v)
		}
	}
	csp := serve(h, "GET", "/console/", nil).Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https://jianyan-1.auth.ap-east-1.amazoncognito.com;") {
		t.Errorf("CSP %q does not allow the token endpoint", csp)
	}
}

// TestConsoleConfigExternalIssuer: with the office's own OpenID Connect
// issuer (the template's ExistingOidc* parameters) the console signs in
// through it, sends the ID token by default, logs out through its
// end-session endpoint, and its CSP reaches that token endpoint only; a
// half-set, mixed or non-https configuration stops the start with a
// message saying what to fix.
func TestConsoleConfigExternalIssuer(t *testing.T) {
	env := map[string]string{
		"OIDC_AUTHORIZE_URL": "https://sso.example.gov.cn/realms/office/protocol/openid-connect/auth",
		"OIDC_TOKEN_URL":     "https://sso.example.gov.cn/realms/office/protocol/openid-connect/token",
		"OIDC_LOGOUT_URL":    "https://sso.example.gov.cn/realms/office/protocol/openid-connect/logout",
		"OIDC_CLIENT_ID":     "jianyan-console",
	}
	cfg, err := httpapi.ConsoleConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Files = testConsoleFiles()
	h := httpapi.NewConsoleHandler(cfg, nil)
	var got map[string]string
	if err := json.NewDecoder(serve(h, "GET", "/console/config.json", nil).Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"auth": "oidc", "authorize_url": env["OIDC_AUTHORIZE_URL"], "token_url": env["OIDC_TOKEN_URL"],
		"logout_url": env["OIDC_LOGOUT_URL"], "client_id": "jianyan-console", "scopes": "openid email profile",
		"token_use": "id", "logout_redirect_param": "post_logout_redirect_uri", "provider": "issuer"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("config.json %s = %q, want %q", k, got[k], v)
		}
	}
	if csp := serve(h, "GET", "/console/", nil).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' https://sso.example.gov.cn;") {
		t.Errorf("CSP %q does not allow the issuer's token endpoint", csp)
	}

	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no token URL", map[string]string{"OIDC_AUTHORIZE_URL": "https://sso.example.gov.cn/auth", "OIDC_CLIENT_ID": "c"}, "OIDC_TOKEN_URL"},
		{"scopes alone", map[string]string{"OIDC_SCOPES": "openid"}, "OIDC_AUTHORIZE_URL"},
		{"both kinds", map[string]string{"COGNITO_DOMAIN": "x.auth.cn-north-1.amazoncognito.com", "COGNITO_CLIENT_ID": "c", "OIDC_CLIENT_ID": "c"}, "只能设置一组"},
		{"half a user pool", map[string]string{"COGNITO_CLIENT_ID": "c"}, "COGNITO_DOMAIN"},
		{"plain http", map[string]string{"OIDC_AUTHORIZE_URL": "http://sso.example.gov.cn/auth", "OIDC_TOKEN_URL": "https://sso.example.gov.cn/token", "OIDC_CLIENT_ID": "c"}, "OIDC_AUTHORIZE_URL 应为 https://"},
		{"unknown token use", map[string]string{"OIDC_AUTHORIZE_URL": "https://a.example/auth", "OIDC_TOKEN_URL": "https://a.example/token", "OIDC_CLIENT_ID": "c", "OIDC_TOKEN_USE": "refresh"}, "OIDC_TOKEN_USE"},
	} {
		_, err := httpapi.ConsoleConfigFromEnv(func(k string) string { return tt.env[k] })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error naming %q", tt.name, err, tt.want)
		}
	}
}

// TestConsoleFilesOrigin: on AWS the console fetches photos and evidence
// thumbnails from the files bucket (FILES_ORIGIN), which its CSP allows;
// anything but an https origin is ignored.
func TestConsoleFilesOrigin(t *testing.T) {
	for _, tt := range []struct{ env, want string }{
		{"https://jianyan-filesbucket-1.s3.cn-north-1.amazonaws.com.cn", "connect-src 'self' https://jianyan-filesbucket-1.s3.cn-north-1.amazonaws.com.cn;"},
		{"https://b.s3.us-east-1.amazonaws.com/files/x?y=1", "connect-src 'self' https://b.s3.us-east-1.amazonaws.com;"},
		{"http://evil.example", "connect-src 'self';"},
		{"", "connect-src 'self';"},
	} {
		cfg, _ := httpapi.ConsoleConfigFromEnv(func(k string) string {
			if k == "FILES_ORIGIN" {
				return tt.env
			}
			return ""
		})
		cfg.Files = testConsoleFiles()
		csp := serve(httpapi.NewConsoleHandler(cfg, nil), "GET", "/console/", nil).Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, tt.want) {
			t.Errorf("FILES_ORIGIN=%q: CSP %q, want %q", tt.env, csp, tt.want)
		}
	}
}

// TestStaffHandlerWithoutConsole: the staff function carries no console.
func TestStaffHandlerWithoutConsole(t *testing.T) {
	h := httpapi.NewStaffHandler(httpapi.StaffConfig{Auth: httpapi.ClaimsAuth{}})
	resp := serve(h, "GET", "/console/", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound || bytes.Contains(body, []byte("<html")) {
		t.Errorf("staff handler GET /console/: %d %s", resp.StatusCode, body)
	}
}
