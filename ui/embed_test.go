package ui

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// firstLoadBudget is docs/design.md's page-weight target for the console's
// first load, compressed.
const firstLoadBudget = 400 << 10

// TestFirstLoadWeight adds up the compressed size of index.html and of
// everything it loads eagerly (FirstLoad) and fails over the 400 KB
// budget. Lazily loaded views and charts do not count: they come when
// their page is opened.
func TestFirstLoadWeight(t *testing.T) {
	l, err := FirstLoad(Dist())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range l.Files {
		t.Logf("%-45s %7d bytes compressed", f.Name, f.Compressed)
	}
	t.Logf("first load: %d files, %d bytes compressed (budget %d)", len(l.Files), l.Compressed, firstLoadBudget)
	if l.Compressed > firstLoadBudget {
		t.Errorf("the console's first load is %d bytes compressed, over the %d-byte budget", l.Compressed, firstLoadBudget)
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
