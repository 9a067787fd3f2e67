package ui

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// firstLoadBudget is docs/design.md's page-weight target for the console's
// first load, compressed.
const firstLoadBudget = 400 << 10

var (
	// What index.html makes the browser fetch at once: the entry script,
	// stylesheets and module preloads.
	htmlRef = regexp.MustCompile(`<(?:script[^>]*\bsrc|link[^>]*\bhref)="/console/([^"]+)"`)
	// A chunk's static imports (import"./x.js", from"./x.js"); dynamic
	// import("./x.js") is lazily loaded and does not count.
	staticImport = regexp.MustCompile(`(?:\bimport|\bfrom)\s*["']\./([^"']+\.js)["']`)
)

func gzipSize(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // as the console handler sends it
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// TestFirstLoadWeight adds up the compressed size of index.html and of
// everything it loads eagerly (following the entry's static imports) and
// fails over the 400 KB budget. Lazily loaded views and charts do not
// count: they come when their page is opened.
func TestFirstLoadWeight(t *testing.T) {
	dist := Dist()
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		t.Fatalf("dist/index.html: %v (build the console: npm ci && npm run build in ui/)", err)
	}
	seen := map[string]bool{}
	total := gzipSize(t, index)
	var queue []string
	for _, m := range htmlRef.FindAllSubmatch(index, -1) {
		queue = append(queue, string(m[1]))
	}
	if len(queue) == 0 {
		t.Fatalf("index.html loads nothing from /console/: %s", index)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		b, err := fs.ReadFile(dist, name)
		if err != nil {
			t.Fatalf("index.html or a chunk names %s, which dist lacks: %v", name, err)
		}
		n := gzipSize(t, b)
		total += n
		t.Logf("%-45s %7d bytes compressed", name, n)
		if strings.HasSuffix(name, ".js") {
			for _, m := range staticImport.FindAllSubmatch(b, -1) {
				queue = append(queue, path.Join(path.Dir(name), string(m[1])))
			}
		}
	}
	t.Logf("first load: %d files, %d bytes compressed (budget %d)", len(seen)+1, total, firstLoadBudget)
	if total > firstLoadBudget {
		t.Errorf("the console's first load is %d bytes compressed, over the %d-byte budget", total, firstLoadBudget)
	}
}

// TestDistIsSelfContained: nothing in the build loads from another origin
// (no CDN) or runs inline script, which the console's CSP forbids.
func TestDistIsSelfContained(t *testing.T) {
	dist := Dist()
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`<script(?:\s+type="module")?>`).Match(index) || bytes.Contains(index, []byte("<style")) {
		t.Errorf("index.html has inline script or style: %s", index)
	}
	if regexp.MustCompile(`(?:src|href)="(?:https?:)?//`).Match(index) {
		t.Errorf("index.html loads from another origin: %s", index)
	}
	err = fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".css") {
			return err
		}
		b, _ := fs.ReadFile(dist, p)
		if m := regexp.MustCompile(`@import\s+url\(["']?https?:`).Find(b); m != nil {
			t.Errorf("%s imports from another origin: %s", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
