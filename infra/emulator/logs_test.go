package emulator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/s3files/s3test"
	"github.com/jianyan/jianyan/internal/testenv"
)

// TestLogsCarryTheRequestID runs every function of template.yaml under the
// Lambda emulator with the JSON log format the template sets
// (LoggingConfig) and sends each one event that makes its handler log.
// Every line the function writes must be Lambda's JSON (message, not
// slog's msg), and the handler's line must carry the invocation's
// requestId: what lambdacontext.NewLogger adds, so that an operator finds
// all of one request's lines in CloudWatch.
func TestLogsCarryTheRequestID(t *testing.T) {
	root := repoRoot(t)
	if runtime.GOOS != "linux" {
		testenv.Missing(t, "aws-lambda-rie runs only on Linux")
	}
	rie := findRIE(t, root)
	endpoint := dynamoEndpoint(t)
	s3 := s3test.Endpoint(t)
	db := dynamotest.NewClient(t, endpoint)
	table := dynamotest.CreateTable(t, db)
	bucket := s3test.CreateBucket(t, s3)
	topic, err := sns.NewFromConfig(dynamotest.Config(endpoint)).CreateTopic(t.Context(), &sns.CreateTopicInput{Name: aws.String(table + "-logs")})
	if err != nil {
		t.Fatalf("create SNS topic: %v", err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TABLE_NAME=" + table,
		"FILES_BUCKET=" + bucket,
		"PUBLIC_BASE_URL=" + publicBaseURL,
		"TOPIC_ARN=" + aws.ToString(topic.TopicArn),
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint,
		"AWS_ENDPOINT_URL_S3=" + s3,
		"AWS_ENDPOINT_URL_SNS=" + endpoint,
		"AWS_REGION=" + dynamotest.Region,
		"AWS_DEFAULT_REGION=" + dynamotest.Region,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60",
		"AWS_LAMBDA_LOG_FORMAT=JSON", // template.yaml: LoggingConfig: LogFormat: JSON
	}
	event := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(root, "events", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// An object-created event for a key outside uploads/: check logs that
	// it ignores it.
	outside := strings.Replace(string(event("check-object-created.json")), "uploads/FILEID", "exports/elsewhere.csv", 1)
	cases := map[string]struct {
		event   []byte
		message string // the line the handler writes for this event
	}{
		"collect":   {event("apigw-healthz.json"), "request"},
		"staff":     {event("apigw-list-symposia.json"), "request"},
		"documents": {event("apigw-get-document-docx.json"), "request"},
		"console":   {event("apigw-get-console.json"), "request"},
		"route":     {event("dynamodb-insert-suggestion.json"), "stream batch handled"},
		"summarize": {scheduledEvent(t, root, "scheduled-daily.json", nextShanghaiMidnight(time.Now()).Add(30*time.Minute)), "summary generated"},
		"check":     {[]byte(outside), "ignoring an object outside uploads/"},
	}
	for _, fn := range functions {
		tc, ok := cases[fn.name]
		if !ok {
			t.Errorf("function %s has no case here: add one", fn.name)
			continue
		}
		t.Run(fn.name, func(t *testing.T) {
			bin := buildBootstrap(t, root, fn.name, runtime.GOOS, runtime.GOARCH, t.TempDir())
			f := startFunction(t, rie, fn.name, bin, append(env, "AWS_LAMBDA_FUNCTION_NAME=jianyan-"+fn.name))
			f.invoke(t, tc.event)
			// The handler's line is written before the answer, but the
			// emulator copies the process's output on its own: wait
			// (boundedly) until the line has come through, then read.
			for deadline := time.Now().Add(10 * time.Second); !strings.Contains(f.emu.Output(), tc.message) && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
			}
			var found bool
			invocation := "" // the emulator's "START RequestId: …" names it
			for _, line := range strings.Split(f.emu.Output(), "\n") {
				line = strings.TrimSpace(line)
				if id, ok := strings.CutPrefix(line, "START RequestId: "); ok {
					invocation, _, _ = strings.Cut(id, " ")
				}
				if !strings.HasPrefix(line, "{") {
					continue // the emulator's own lines
				}
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Errorf("a log line is not JSON: %v\n%s", err, line)
					continue
				}
				msg, ok := rec["message"].(string)
				if !ok {
					t.Errorf("a log line has no \"message\" (not Lambda's log handler):\n%s", line)
					continue
				}
				if msg != tc.message {
					continue
				}
				found = true
				if id, _ := rec["requestId"].(string); id == "" || id != invocation {
					t.Errorf("the handler's line %q carries requestId %q, want the invocation's %q:\n%s", msg, id, invocation, line)
				}
			}
			if !found {
				t.Errorf("no log line %q after the invocation; the function wrote:\n%s", tc.message, f.emu.Output())
			}
		})
	}
}
