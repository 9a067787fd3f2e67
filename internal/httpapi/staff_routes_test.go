package httpapi

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryRouteGroupListed: each "func (h *StaffHandler) xRoutes()" in the
// package is called from routes(); a group left out would silently serve
// nothing, now that groups no longer register themselves from init.
func TestEveryRouteGroupListed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	def := regexp.MustCompile(`func \(h \*StaffHandler\) (\w+Routes)\(\)`)
	src, err := os.ReadFile("staff.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	body = body[strings.Index(body, "func (h *StaffHandler) routes()"):]
	body = body[:strings.Index(body, "\n}\n")]
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range def.FindAllStringSubmatch(string(b), -1) {
			if !strings.Contains(body, "h."+m[1]+"()") {
				t.Errorf("%s: route group %s is not called from routes() in staff.go", f, m[1])
			}
		}
	}
}
