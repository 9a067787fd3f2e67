package ui

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

var (
	// What index.html makes the browser fetch at once: the entry script,
	// stylesheets and module preloads.
	htmlRef = regexp.MustCompile(`<(?:script[^>]*\bsrc|link[^>]*\bhref)="/console/([^"]+)"`)
	// A chunk's static imports (import"./x.js", from"./x.js"); dynamic
	// import("./x.js") is lazily loaded and does not count.
	staticImport = regexp.MustCompile(`(?:\bimport|\bfrom)\s*["']\./([^"']+\.js)["']`)
)

// FileWeight is one file of a load and its compressed size.
type FileWeight struct {
	Name       string
	Compressed int
}

// Load is what a browser fetches when it opens the console: index.html and
// every file it loads eagerly.
type Load struct {
	Files      []FileWeight // index.html first
	Compressed int          // their compressed sizes, added up
}

// FirstLoad adds up the console's first load in dist (Dist(), or a build
// elsewhere): index.html and everything it loads eagerly — the entry
// script, stylesheets, module preloads and, transitively, the static
// imports of each script — each gzip-compressed at the best level, as the
// console handler sends it. Lazily loaded views and charts (dynamic
// import()) do not count: they come when their page is opened. This is the
// figure of docs/design.md's page-weight target; the ui tests and the
// benchmark harness both use it.
func FirstLoad(dist fs.FS) (Load, error) {
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		return Load{}, fmt.Errorf("index.html: %w (build the console: npm ci && npm run build in ui/)", err)
	}
	var l Load
	add := func(name string, b []byte) error {
		n, err := gzipSize(b)
		if err != nil {
			return err
		}
		l.Files = append(l.Files, FileWeight{Name: name, Compressed: n})
		l.Compressed += n
		return nil
	}
	if err := add("index.html", index); err != nil {
		return Load{}, err
	}
	var queue []string
	for _, m := range htmlRef.FindAllSubmatch(index, -1) {
		queue = append(queue, string(m[1]))
	}
	if len(queue) == 0 {
		return Load{}, fmt.Errorf("index.html loads nothing from /console/: %s", index)
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		b, err := fs.ReadFile(dist, name)
		if err != nil {
			return Load{}, fmt.Errorf("index.html or a chunk names %s, which the build lacks: %w", name, err)
		}
		if err := add(name, b); err != nil {
			return Load{}, err
		}
		if strings.HasSuffix(name, ".js") {
			for _, m := range staticImport.FindAllSubmatch(b, -1) {
				queue = append(queue, path.Join(path.Dir(name), string(m[1])))
			}
		}
	}
	return l, nil
}

func gzipSize(b []byte) (int, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	if _, err := zw.Write(b); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.Len(), nil
}
