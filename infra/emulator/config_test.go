package emulator_test

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/testenv"
)

// TestFunctionsRefuseBadConfiguration starts the built collect function
// under the emulator with one setting wrong at a time and checks that it
// ends its start with a message saying what to fix, in the function's
// log, rather than serving requests it cannot answer.
func TestFunctionsRefuseBadConfiguration(t *testing.T) {
	root := repoRoot(t)
	if runtime.GOOS != "linux" {
		testenv.Missing(t, "aws-lambda-rie runs only on Linux")
	}
	rie := findRIE(t, root)
	endpoint := dynamoEndpoint(t)
	db := dynamotest.NewClient(t, endpoint)
	table := dynamotest.CreateTable(t, db)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	bin := buildBootstrap(t, root, "collect", runtime.GOOS, runtime.GOARCH, t.TempDir())
	healthz, err := os.ReadFile(filepath.Join(root, "events", "apigw-healthz.json"))
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{
		"PATH": os.Getenv("PATH"), "HOME": t.TempDir(), "TABLE_NAME": table, "PUBLIC_BASE_URL": publicBaseURL,
		"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "AWS_REGION": dynamotest.Region, "AWS_ACCESS_KEY_ID": "test",
		"AWS_SECRET_ACCESS_KEY": "test", "AWS_LAMBDA_FUNCTION_TIMEOUT": "30", "AWS_LAMBDA_FUNCTION_NAME": "jianyan-collect",
	}
	for _, tt := range []struct {
		name string
		set  map[string]string
		want []string
	}{
		{"missing variable", map[string]string{"PUBLIC_BASE_URL": ""}, []string{"配置错误", "PUBLIC_BASE_URL"}},
		{"bad region", map[string]string{"AWS_REGION": "beijing"}, []string{"配置错误", "AWS_REGION", "beijing"}},
		{"missing table", map[string]string{"TABLE_NAME": table + "-missing"}, []string{"配置错误", table + "-missing", "TABLE_NAME"}},
		{"unreachable endpoint", map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": closed}, []string{"配置错误", "连不上", closed}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var env []string
			for k, v := range base {
				if s, ok := tt.set[k]; ok {
					v = s
				}
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			f := startFunction(t, rie, "collect", bin, env)
			// The emulator starts the function with the first request.
			client := &http.Client{Timeout: 30 * time.Second}
			if resp, err := client.Post(f.url, "application/json", bytes.NewReader(healthz)); err == nil {
				resp.Body.Close()
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				out := f.emu.Output()
				ok := true
				for _, w := range tt.want {
					ok = ok && strings.Contains(out, w)
				}
				if ok {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the function's log does not say %q:\n%s", tt.want, out)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
