package feedback

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestMessagesAreChinese reads the source of every package under internal
// and checks the messages people read — the formats of the domain's error
// constructors (Errorf, FieldErrorf, Conflictf), the Message of an Error
// literal and the Note of an AuditEvent literal — for English: each must
// hold Chinese and no two Latin words in a row ("not found", "is
// required"). Codes, formats and product names (JSON, XLSX, YYYY-MM-DD,
// Idempotency-Key) are single tokens and pass.
func TestMessagesAreChinese(t *testing.T) {
	english := regexp.MustCompile(`[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}`)
	check := func(fset *token.FileSet, lit *ast.BasicLit, what string) {
		s, err := strconv.Unquote(lit.Value)
		if err != nil || strings.TrimSpace(s) == "" || strings.Trim(s, "%sdvq ") == "" {
			return
		}
		hasHan := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
		if !hasHan || english.MatchString(s) {
			t.Errorf("%s: %s %q is not Chinese only", fset.Position(lit.Pos()), what, s)
		}
	}
	constructors := map[string]int{"Errorf": 1, "FieldErrorf": 1, "Conflictf": 0}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name, pkg := "", ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name, pkg = fn.Name, f.Name.Name
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok {
						name, pkg = fn.Sel.Name, x.Name
					}
				}
				if i, ok := constructors[name]; ok && pkg == "feedback" && len(n.Args) > i {
					if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						check(fset, lit, name+" message")
					}
				}
			case *ast.CompositeLit:
				typ := ""
				switch tt := n.Type.(type) {
				case *ast.Ident:
					typ = tt.Name
				case *ast.SelectorExpr:
					typ = tt.Sel.Name
				}
				field := map[string]string{"Error": "Message", "AuditEvent": "Note"}[typ]
				for _, e := range n.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); ok && field != "" && k.Name == field {
						if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							check(fset, lit, typ+"."+field)
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
