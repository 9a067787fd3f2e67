package httpapi

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ownLambda are the route groups a Lambda of their own serves, with the
// constructor that registers them there; NewHandler adds them for the
// local stack.
var ownLambda = map[string]string{"documentRoutes": "NewDocumentHandler"}

// TestEveryRouteGroupListed: each "func (h *StaffHandler) xRoutes()" in the
// package is called from routes(), or from its own Lambda's constructor and
// NewHandler; a group left out would silently serve nothing, now that
// groups no longer register themselves from init.
func TestEveryRouteGroupListed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	def := regexp.MustCompile(`func \(h \*StaffHandler\) (\w+Routes)\(`)
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
			if ctor, ok := ownLambda[m[1]]; ok {
				if !strings.Contains(funcBody(t, string(b), "func "+ctor+"("), "h."+m[1]+"(") ||
					!strings.Contains(funcBody(t, string(src), "func NewHandler("), "."+m[1]+"(") {
					t.Errorf("%s: route group %s is not registered by %s and NewHandler", f, m[1], ctor)
				}
				continue
			}
			if !strings.Contains(body, "h."+m[1]+"()") {
				t.Errorf("%s: route group %s is not called from routes() in staff.go", f, m[1])
			}
		}
	}
}

// funcBody is the source of the function that starts with head in src.
func funcBody(t *testing.T, src, head string) string {
	t.Helper()
	i := strings.Index(src, head)
	if i < 0 {
		t.Fatalf("no %s…", head)
	}
	body := src[i:]
	return body[:strings.Index(body, "\n}\n")]
}
