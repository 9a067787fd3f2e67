package securitytest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestThreatModelTestsExist reads the table of docs/threat-model.md and
// checks that every test it names is a Test or Fuzz function in the package
// it names, so the table cannot promise a test that is gone.
func TestThreatModelTestsExist(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "threat-model.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (\d+) \|.*\| ([^|]*) \|$`)
	code := regexp.MustCompile("`([^`]+)`")
	rows := row.FindAllStringSubmatch(string(doc), -1)
	if len(rows) < 20 {
		t.Fatalf("found %d threat rows, want the table", len(rows))
	}
	sources := map[string]string{}
	source := func(pkg string) string {
		if s, ok := sources[pkg]; ok {
			return s
		}
		files, err := filepath.Glob(filepath.Join(root, pkg, "*_test.go"))
		if err != nil || len(files) == 0 {
			t.Errorf("package %s has no tests", pkg)
		}
		var b strings.Builder
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(src)
		}
		sources[pkg] = b.String()
		return sources[pkg]
	}
	named := 0
	for _, r := range rows {
		for _, group := range strings.Split(r[2], ";") {
			names := code.FindAllStringSubmatch(group, -1)
			if len(names) < 2 {
				t.Errorf("threat %s: %q names no package and test", r[1], group)
				continue
			}
			pkg := names[0][1]
			src := source(pkg)
			for _, n := range names[1:] {
				named++
				fn := n[1]
				if !strings.Contains(src, "func "+fn+"(t *testing.T)") && !strings.Contains(src, "func "+fn+"(f *testing.F)") {
					t.Errorf("threat %s: %s has no test %s", r[1], pkg, fn)
				}
			}
		}
	}
	t.Logf("%d threats, %d test references", len(rows), named)
}
