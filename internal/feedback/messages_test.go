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
// hold Chinese, no two Latin words in a row ("not found", "is required")
// and no code word (draft, true, approve: lower-case Latin words, the
// codes a program sends, which a person reads as English; say them with
// their Chinese labels). Names of formats and products (JSON, XLSX,
// YYYY-MM-DD, Idempotency-Key, Excel, Webhook: capitalised), file
// extensions (.xlsx), media types (application/json), URL schemes
// (https://) and command-line options (--data) pass.
func TestMessagesAreChinese(t *testing.T) {
	english := regexp.MustCompile(`[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}`)
	check := func(fset *token.FileSet, lit *ast.BasicLit, what string) {
		s, err := strconv.Unquote(lit.Value)
		if err != nil || strings.TrimSpace(s) == "" || strings.Trim(s, "%sdvq ") == "" {
			return
		}
		if !hasHan(s) || english.MatchString(s) {
			t.Errorf("%s: %s %q is not Chinese only", fset.Position(lit.Pos()), what, s)
		}
		if w := codeWord(s); w != "" {
			t.Errorf("%s: %s %q shows the code word %q to people; use its Chinese label", fset.Position(lit.Pos()), what, s, w)
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
				// httpapi's 415 names the formats an endpoint takes.
				if name == "unsupported" && pkg == "httpapi" && len(n.Args) == 1 {
					arg := n.Args[0]
					if bin, ok := arg.(*ast.BinaryExpr); ok {
						arg = bin.X
					}
					if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, _ := strconv.Unquote(lit.Value); strings.Contains(s, " ") && !hasHan(s) {
							t.Errorf("%s: unsupported(%q) joins formats in English", fset.Position(lit.Pos()), s)
						}
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

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

var (
	// notCodeWords are the Latin spellings a message may carry: format
	// verbs, URL schemes, command-line options, file extensions and media
	// types.
	notCodeWords = regexp.MustCompile(`%[-+# 0-9.\[\]]*[a-zA-Z]|[a-z]+://|--[a-z][a-z-]*|\.[a-z][a-z.]{1,6}\b|\b[a-z]+/[a-z0-9.+-]+`)
	lowerWord    = regexp.MustCompile(`\b[a-z][A-Za-z_]+\b`)
)

// codeWord returns the first lower-case Latin word of s that is not a
// format verb, scheme, option, extension or media type, "" if none.
func codeWord(s string) string {
	return lowerWord.FindString(notCodeWords.ReplaceAllString(s, " "))
}

func TestCodeWord(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"座谈会状态应为 draft、open 或 closed", "draft"},
		{"请选择同意或不同意(approve 为 true 或 false)", "approve"},
		{"请求中含有未知的字段「website」", "website"},
		{"日期格式应为 YYYY-MM-DD", ""},
		{"请求头 Idempotency-Key 与表单标识不一致", ""},
		{"不支持的请求格式,请使用 application/json 或 application/x-www-form-urlencoded", ""},
		{"不支持旧版 .xls 文件,请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后导入", ""},
		{"Webhook 地址应以 https:// 或 http:// 开头", ""},
		{"--durability 只能是 full 或 relaxed,不能是 %q", "full"},
		{"%s应为 RFC 3339 格式的时间,例如 2025-03-01T09:30:00+08:00", ""},
		{"备份 %s 已损坏:%w", ""},
	} {
		if got := codeWord(c.in); got != c.want {
			t.Errorf("codeWord(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestOperatorMessagesAreChinese reads the local stack's source
// (infra/local) and checks what the operator reads at the terminal: the
// errors it stops with (fmt.Errorf, errors.New), what it prints (fmt.Fprint*,
// fmt.Print*), the messages of its logs (Info, Warn, Error) and the
// descriptions of its command-line options. Each must hold Chinese; a line
// scripts look for keeps its English marker beside the Chinese ("建言已启动 ·
// Jianyan is serving on …").
func TestOperatorMessagesAreChinese(t *testing.T) {
	dir := filepath.Join("..", "..", "infra", "local")
	// The argument that holds the message, per function or method name.
	msgArg := map[string]int{
		"Errorf": 0, "New": 0, "Printf": 0, "Println": 0, "Print": 0, "Fprintf": 1, "Fprintln": 1, "Fprint": 1,
		"Info": 0, "Warn": 0, "Error": 0,
		"String": 2, "Bool": 2, "Int": 2, "Duration": 2,
		"StringVar": 3, "BoolVar": 3, "IntVar": 3, "DurationVar": 3,
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources in %s: %v", dir, err)
	}
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			i, ok := msgArg[sel.Sel.Name]
			if !ok || len(call.Args) <= i {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || strings.Trim(s, "%sdvqw:\n -") == "" {
				return true
			}
			checked++
			if !hasHan(s) {
				t.Errorf("%s: the operator reads %q in English", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if checked < 50 {
		t.Errorf("checked %d messages in %s; the scan is not finding them", checked, dir)
	}
}
