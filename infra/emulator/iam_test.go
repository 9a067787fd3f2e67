package emulator_test

import (
	"debug/elf"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	jianyan "github.com/jianyan/jianyan"
	"github.com/jianyan/jianyan/infra/lambdabuild"
	"github.com/jianyan/jianyan/internal/feedback"
)

// TestFunctionPolicies: each function's role in template.yaml grants
// exactly the S3, SNS and SQS actions its code can call, S3 ones on
// exactly the key prefixes it uses. moto checks no IAM, so a missing
// grant (the staff function removing photos without s3:DeleteObject)
// would pass every other test and fail only on AWS.
//
// What the code needs is read from the code, not from the template:
//   - S3: every method of feedback.Files that calls its storage, with the
//     S3 action of that call and the prefix of the key it passes (read
//     from feedback's source), kept when the linker keeps the method in
//     the function's binary (built without inlining our packages, so that
//     each reachable method has a symbol);
//   - SNS and SQS: the SDK client operations the linker keeps.
func TestFunctionPolicies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every function; skipped with -short")
	}
	root := repoRoot(t)
	uses := storageUses(t, filepath.Join(root, "internal", "feedback"))
	if len(uses) == 0 {
		t.Fatal("found no storage calls in feedback.Files")
	}
	granted := templateGrants(t)
	for _, fn := range functions {
		t.Run(fn.name, func(t *testing.T) {
			syms := linkedSymbols(t, root, fn.name)
			need := map[string]bool{}
			for method, grants := range uses {
				if syms["github.com/jianyan/jianyan/internal/feedback.(*Files)."+method] {
					for _, g := range grants {
						need[g] = true
					}
				}
			}
			for sym, action := range sdkActions {
				if syms[sym] {
					need[action] = true
				}
			}
			logical := strings.ToUpper(fn.name[:1]) + fn.name[1:] + "Function"
			got := granted[logical]
			for _, g := range slices.Sorted(maps.Keys(need)) {
				if !got[g] {
					t.Errorf("%s's code needs %s; template.yaml's %s does not grant it", fn.name, g, logical)
				}
			}
			for _, g := range slices.Sorted(maps.Keys(got)) {
				if !need[g] {
					t.Errorf("template.yaml's %s grants %s, which %s's code never uses", logical, g, fn.name)
				}
			}
			t.Logf("%s: %s", fn.name, strings.Join(slices.Sorted(maps.Keys(need)), ", "))
		})
	}
}

// sdkActions are the SDK client operations the functions call and the IAM
// action each needs.
var sdkActions = map[string]string{
	"github.com/aws/aws-sdk-go-v2/service/sns.(*Client).Publish":        "sns:Publish",
	"github.com/aws/aws-sdk-go-v2/service/sqs.(*Client).ReceiveMessage": "sqs:ReceiveMessage",
	"github.com/aws/aws-sdk-go-v2/service/sqs.(*Client).DeleteMessage":  "sqs:DeleteMessage",
	"github.com/aws/aws-sdk-go-v2/service/sqs.(*Client).SendMessage":    "sqs:SendMessage",
	"github.com/aws/aws-sdk-go-v2/service/s3.(*Client).DeleteObject":    "s3:DeleteObject",
}

// storageActions is the S3 action behind each method of feedback's file
// storage (s3files): presigned POSTs are PutObject, presigned GETs
// GetObject.
var storageActions = map[string]string{
	"UploadForm": "s3:PutObject", "Put": "s3:PutObject",
	"Open": "s3:GetObject", "DownloadURL": "s3:GetObject",
	"Delete": "s3:DeleteObject",
}

// keyPrefixes are feedback's object key functions and the prefix each
// gives, by calling it.
var keyPrefixes = map[string]string{
	"UploadKey": strings.TrimSuffix(feedback.UploadKey("x"), "x"),
	"FileKey":   strings.TrimSuffix(feedback.FileKey("x"), "x"),
	"ExportKey": strings.TrimSuffix(feedback.ExportKey("x"), "x"),
}

// storageUses reads feedback's source: for each method of *Files that
// calls its storage, the grants those calls need ("s3:DeleteObject
// files/"). A key it cannot trace to one of keyPrefixes fails the test,
// so that a new kind of call is looked at rather than missed.
func storageUses(t *testing.T, dir string) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	uses := map[string][]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Body == nil || !isFilesReceiver(fd.Recv.List[0].Type) {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if inner, ok := sel.X.(*ast.SelectorExpr); !ok || inner.Sel.Name != "storage" {
					return true
				}
				action, ok := storageActions[sel.Sel.Name]
				if !ok {
					t.Fatalf("%s: (*Files).%s calls storage.%s, which the test does not know", fset.Position(call.Pos()), fd.Name.Name, sel.Sel.Name)
				}
				if len(call.Args) < 2 {
					t.Fatalf("%s: storage.%s without a key", fset.Position(call.Pos()), sel.Sel.Name)
				}
				key := call.Args[1]
				if lit, ok := key.(*ast.CompositeLit); ok { // UploadRequest{Key: …}
					key = nil
					for _, e := range lit.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Key") {
							key = kv.Value
						}
					}
				}
				prefixes := keyPrefixesOf(fd.Body, key, 0)
				if len(prefixes) == 0 {
					t.Fatalf("%s: cannot tell which key prefix (*Files).%s passes to storage.%s", fset.Position(call.Pos()), fd.Name.Name, sel.Sel.Name)
				}
				for _, p := range prefixes {
					uses[fd.Name.Name] = append(uses[fd.Name.Name], action+" "+p)
				}
				return true
			})
		}
	}
	return uses
}

func isFilesReceiver(e ast.Expr) bool {
	star, ok := e.(*ast.StarExpr)
	return ok && isIdent(star.X, "Files")
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// keyPrefixesOf traces an object key expression in body to the key
// functions that make it: a call of one, or a variable assigned from
// them (key := UploadKey(id); for _, key := range []string{…}).
func keyPrefixesOf(body *ast.BlockStmt, e ast.Expr, depth int) []string {
	if e == nil || depth > 4 {
		return nil
	}
	switch x := e.(type) {
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			if p, ok := keyPrefixes[id.Name]; ok {
				return []string{p}
			}
		}
	case *ast.CompositeLit:
		var out []string
		for _, el := range x.Elts {
			out = append(out, keyPrefixesOf(body, el, depth+1)...)
		}
		return out
	case *ast.Ident:
		var out []string
		ast.Inspect(body, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.AssignStmt:
				for i, l := range s.Lhs {
					if isIdent(l, x.Name) && i < len(s.Rhs) {
						out = append(out, keyPrefixesOf(body, s.Rhs[i], depth+1)...)
					}
				}
			case *ast.RangeStmt:
				if s.Value != nil && isIdent(s.Value, x.Name) {
					out = append(out, keyPrefixesOf(body, s.X, depth+1)...)
				}
			}
			return true
		})
		return out
	}
	return nil
}

// linkedSymbols builds functions/<name> as the Makefile does but keeps
// its symbols and does not inline the module's own functions, and returns
// the names of the functions the linker kept.
func linkedSymbols(t *testing.T, root, name string) map[string]bool {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	out := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command(lambdabuild.GoTool(), "build", "-tags", "lambda.norpc", "-trimpath",
		"-gcflags=github.com/jianyan/jianyan/...=-l", "-o", out, "./functions/"+name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, s := range syms {
		kept[s.Name] = true
	}
	return kept
}

// templateResource is a resource of template.yaml by its type, its
// properties left for each test to decode.
type templateResource struct {
	Type       string    `yaml:"Type"`
	Properties yaml.Node `yaml:"Properties"`
}

// templateResources reads template.yaml's resources by logical ID.
func templateResources(t *testing.T) map[string]templateResource {
	t.Helper()
	var doc struct {
		Resources map[string]templateResource `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(jianyan.Template, &doc); err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	return doc.Resources
}

// templateGrants reads template.yaml: per function (logical ID), the S3,
// SNS and SQS grants of its policy statements, S3 ones per key prefix of
// the files bucket ("s3:GetObject files/").
func templateGrants(t *testing.T) map[string]map[string]bool {
	t.Helper()
	resources := templateResources(t)
	type function struct {
		Policies []struct {
			Statement []struct {
				Effect   string    `yaml:"Effect"`
				Action   yaml.Node `yaml:"Action"`
				Resource yaml.Node `yaml:"Resource"`
			} `yaml:"Statement"`
		} `yaml:"Policies"`
	}
	scalars := func(n yaml.Node) []string {
		if n.Kind == yaml.SequenceNode {
			var out []string
			for _, c := range n.Content {
				out = append(out, c.Value)
			}
			return out
		}
		return []string{n.Value}
	}
	const bucket = "${FilesBucket.Arn}/"
	grants := map[string]map[string]bool{}
	for id, r := range resources {
		if r.Type != "AWS::Serverless::Function" {
			continue
		}
		var fn function
		if err := r.Properties.Decode(&fn); err != nil {
			t.Fatalf("template.yaml: %s: %v", id, err)
		}
		g := map[string]bool{}
		for _, p := range fn.Policies {
			for _, st := range p.Statement {
				if st.Effect != "Allow" {
					t.Errorf("%s: a statement with effect %q", id, st.Effect)
				}
				for _, a := range scalars(st.Action) {
					switch {
					case strings.HasPrefix(a, "s3:"):
						for _, res := range scalars(st.Resource) {
							prefix, ok := strings.CutPrefix(res, bucket)
							if !ok || !strings.HasSuffix(prefix, "/*") {
								t.Errorf("%s: %s on %q, want a prefix of the files bucket (%s<prefix>/*)", id, a, res, bucket)
								continue
							}
							g[a+" "+strings.TrimSuffix(prefix, "*")] = true
						}
					case strings.HasPrefix(a, "sns:"), strings.HasPrefix(a, "sqs:"):
						g[a] = true
					}
				}
			}
		}
		grants[id] = g
	}
	return grants
}
