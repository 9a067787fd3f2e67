package emulator_test

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/jianyan/jianyan/infra/lambdarun"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/testenv"
)

// TestEmulatorStartsWhenItsPortIsTaken gives the emulator, on its first
// start, a port that another process took after it was found free: the
// invoke endpoint's, then the Runtime API's. lambdarun.Start (which the
// benchmark harness uses too) must not take the other process's listener
// for the emulator (the tests used to dial the port and call the first
// answer ready, then send the invocation there or to an emulator that had
// just exited: "connection refused"; the harness retried invocations on a
// dead emulator for 60 s), but start the emulator again on new ports and
// hand back a function that answers.
func TestEmulatorStartsWhenItsPortIsTaken(t *testing.T) {
	root := repoRoot(t)
	if runtime.GOOS != "linux" {
		testenv.Missing(t, "aws-lambda-rie runs only on Linux")
	}
	rie := findRIE(t, root)
	endpoint := dynamoEndpoint(t)
	table := dynamotest.CreateTable(t, dynamotest.NewClient(t, endpoint))
	bin := buildBootstrap(t, root, "collect", runtime.GOOS, runtime.GOARCH, t.TempDir())
	healthz, err := os.ReadFile(filepath.Join(root, "events", "apigw-healthz.json"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TABLE_NAME=" + table, "PUBLIC_BASE_URL=" + publicBaseURL,
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint, "AWS_REGION=" + dynamotest.Region, "AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test", "AWS_LAMBDA_FUNCTION_TIMEOUT=30", "AWS_LAMBDA_FUNCTION_NAME=jianyan-collect",
	}
	for _, taken := range []string{"invoke endpoint", "runtime API"} {
		t.Run(taken, func(t *testing.T) {
			// The other process: a listener that counts who connects to it.
			other, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			var reached atomic.Int32
			go func() {
				for {
					c, err := other.Accept()
					if err != nil {
						return
					}
					reached.Add(1)
					c.Close()
				}
			}()
			var starts int
			f := startFunctionOn(t, rie, "collect", bin, env, func() (string, string, error) {
				starts++
				addr, apiAddr, err := lambdarun.FreeAddrs()
				if err != nil || starts > 1 {
					return addr, apiAddr, err
				}
				if taken == "invoke endpoint" {
					return other.Addr().String(), apiAddr, nil
				}
				return addr, other.Addr().String(), nil
			})
			if starts != 2 {
				t.Errorf("the emulator was started %d times, want 2 (the first on the taken port)", starts)
			}
			var resp struct {
				StatusCode int `json:"statusCode"`
			}
			if err := json.Unmarshal(f.invoke(t, healthz), &resp); err != nil || resp.StatusCode != 200 {
				t.Errorf("GET /healthz through the emulator: status %d (%v), want 200", resp.StatusCode, err)
			}
			if n := reached.Load(); n != 0 {
				t.Errorf("the process holding the %s was connected to %d times: it was taken for the emulator", taken, n)
			}
		})
	}
}
