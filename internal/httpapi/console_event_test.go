package httpapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

// TestConsoleFunctionEvent: the console function, behind API Gateway,
// answers a link into the console (a notice's link to a problem) with the
// application's page, gzipped as the browser asked, under the console's
// CSP; the link opens that problem after signing in.
func TestConsoleFunctionEvent(t *testing.T) {
	index := `<!doctype html><html lang="zh-CN"><head><title>建言工作台</title></head><body><div id="app"></div></body></html>`
	h := NewConsoleHandler(ConsoleConfig{Files: fstest.MapFS{"index.html": {Data: []byte(index)}}}, nil)
	res := invoke(t, h, loadEvent(t, "apigw-get-console.json"))
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/html; charset=utf-8" || res.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, type %q, encoding %q", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if string(body) != index {
		t.Errorf("body = %q, want index.html", body)
	}
	if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || res.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("CSP %q, cache %q", csp, res.header.Get("Cache-Control"))
	}
}
