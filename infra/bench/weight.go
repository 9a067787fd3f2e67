package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"

	"github.com/jianyan/jianyan/ui"
)

// weightRun is the page-weight figures.
type weightRun struct {
	FormBytes, FormGzip, FormFiles int // the form page and what it loads, as served
	ConsoleBytes, ConsoleFiles     int // the console's first load, compressed
}

// sameOriginRef is what a page makes the browser fetch from its own origin:
// scripts, stylesheets, icons, images.
var sameOriginRef = regexp.MustCompile(`<(?:script|link|img)\b[^>]*?\b(?:src|href)="(/[^/"][^"]*)"`)

// pageWeight measures the public form as a phone gets it from the real
// local stack — the page of an open symposium and every same-origin file
// it references, uncompressed (the target counts bytes, so the stricter
// reading) — and the console's first load with ui.FirstLoad, the function
// the console's own test uses.
func pageWeight(ctx context.Context, localBin, dir string) (*weightRun, error) {
	w := &weightRun{}
	d, err := os.MkdirTemp(dir, "weight-")
	if err != nil {
		return nil, err
	}
	srv, err := startLocal(ctx, localBin, localArgs(d))
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	client := &http.Client{}
	code, err := localSymposium(ctx, client, srv.url)
	if err != nil {
		return nil, err
	}
	get := func(path string) ([]byte, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.url+path, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s = %s", path, resp.Status)
		}
		return b, nil
	}
	page, err := get("/s/" + code)
	if err != nil {
		return nil, fmt.Errorf("the form: %w", err)
	}
	add := func(b []byte) {
		w.FormBytes += len(b)
		w.FormGzip += gzipLen(b)
		w.FormFiles++
	}
	add(page)
	seen := map[string]bool{}
	for _, m := range sameOriginRef.FindAllSubmatch(page, -1) {
		ref := string(m[1])
		if u, err := url.Parse(ref); err != nil || seen[u.Path] {
			continue
		}
		seen[ref] = true
		b, err := get(ref)
		if err != nil {
			return nil, fmt.Errorf("the form's %s: %w", ref, err)
		}
		add(b)
	}
	l, err := ui.FirstLoad(ui.Dist())
	if err != nil {
		return nil, err
	}
	w.ConsoleBytes, w.ConsoleFiles = l.Compressed, len(l.Files)
	return w, nil
}

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Len()
}
