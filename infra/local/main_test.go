package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
)

// stack is one run of the local process inside the test.
type stack struct {
	base   string
	token  string // the printed admin token, if one was printed
	cancel context.CancelFunc
	done   chan error
}

var servingLine = regexp.MustCompile(`serving on (http://\S+)`)

// start runs the local stack with args and env until the test ends.
func start(t *testing.T, args []string, env map[string]string) *stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	st := &stack{cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, pw)
		pw.CloseWithError(io.EOF)
		st.done <- err
	}()
	lines := bufio.NewScanner(pr)
	deadline := time.After(30 * time.Second)
	found := make(chan struct{})
	go func() {
		defer close(found)
		for lines.Scan() {
			line := strings.TrimSpace(lines.Text())
			if strings.HasPrefix(line, "jy_") {
				st.token = line
			}
			if m := servingLine.FindStringSubmatch(line); m != nil {
				st.base = m[1]
				go func() { _, _ = io.Copy(io.Discard, pr) }()
				return
			}
		}
	}()
	select {
	case <-found:
	case err := <-st.done:
		t.Fatalf("local stack stopped before serving: %v", err)
	case <-deadline:
		t.Fatal("local stack did not start within 30s")
	}
	if st.base == "" {
		t.Fatal("local stack printed no address")
	}
	t.Cleanup(func() { st.stop(t) })
	return st
}

// stop shuts the stack down as SIGINT would and checks it exits cleanly.
func (st *stack) stop(t *testing.T) {
	t.Helper()
	if st.cancel == nil {
		return
	}
	st.cancel()
	st.cancel = nil
	select {
	case err := <-st.done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("local stack did not shut down within 20s")
	}
}

func (st *stack) do(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, st.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func TestLocalStackOnSQLite(t *testing.T) {
	data := filepath.Join(t.TempDir(), "jianyan.db")
	st := start(t, []string{"--data", data}, nil)
	if st.token == "" {
		t.Fatal("first start printed no admin token")
	}
	if code, _ := st.do(t, "GET", "/healthz", "", ""); code != http.StatusOK {
		t.Fatalf("GET /healthz = %d, want 200", code)
	}
	if code, _ := st.do(t, "GET", "/api/v1/symposia", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("GET /api/v1/symposia without a token = %d, want 401", code)
	}
	// The first administrator's account is named in Chinese: the console
	// shows the name in 账号管理 and beside everything it does.
	if code, me := st.do(t, "GET", "/api/v1/me", st.token, ""); code != http.StatusOK || me["name"] != "管理员" {
		t.Fatalf("GET /api/v1/me with the printed token = %d %v, want the name 管理员", code, me)
	}
	submitAndWaitRouted(t, st, st.token)
	st.stop(t)

	// A second start on the same file prints no new token, and the first
	// token still works.
	again := start(t, []string{"--data", data}, nil)
	if again.token != "" {
		t.Fatal("second start printed a token again")
	}
	if code, _ := again.do(t, "GET", "/api/v1/symposia", st.token, ""); code != http.StatusOK {
		t.Fatalf("GET /api/v1/symposia with the first token after restart = %d, want 200", code)
	}
}

func TestLocalStackAdminTokenFromEnv(t *testing.T) {
	data := filepath.Join(t.TempDir(), "jianyan.db")
	st := start(t, []string{"--data", data}, map[string]string{"JIANYAN_ADMIN_TOKEN": "a-long-secret-token-for-tests"})
	if st.token != "" {
		t.Fatal("a token was generated although JIANYAN_ADMIN_TOKEN is set")
	}
	if code, _ := st.do(t, "GET", "/api/v1/symposia", "a-long-secret-token-for-tests", ""); code != http.StatusOK {
		t.Fatalf("GET /api/v1/symposia with JIANYAN_ADMIN_TOKEN = %d, want 200", code)
	}
	if code, _ := st.do(t, "GET", "/api/v1/symposia", "wrong-token", ""); code != http.StatusUnauthorized {
		t.Fatalf("GET /api/v1/symposia with a wrong token = %d, want 401", code)
	}
}

func TestLocalStackOnDynamoDB(t *testing.T) {
	endpoint := dynamotest.Endpoint(t)
	client := dynamotest.NewClient(t, endpoint)
	table := dynamotest.CreateTable(t, client)
	env := map[string]string{"TABLE_NAME": table, "JIANYAN_ADMIN_TOKEN": "a-long-secret-token-for-tests"}
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	// --data places the files folder (jianyan-files beside it) in the test's
	// temporary directory.
	st := start(t, []string{"--dynamodb", "--data", filepath.Join(t.TempDir(), "jianyan.db")}, env)
	submitAndWaitRouted(t, st, "a-long-secret-token-for-tests")
}

// submitAndWaitRouted creates a symposium, a problem list and a routing rule,
// submits through the public API and waits until the router has placed the
// suggestion in the rule's list.
func submitAndWaitRouted(t *testing.T, st *stack, token string) {
	t.Helper()
	// The units first: a list's owner and a rule's unit are registered ones.
	for _, u := range []string{`{"name":"区司法局"}`, `{"name":"区市场监督管理局","head":"王局长"}`} {
		if code, got := st.do(t, "POST", "/api/v1/units", token, u); code != http.StatusCreated && code != http.StatusConflict {
			t.Fatalf("register unit = %d %v, want 201", code, got)
		}
	}
	code, list := st.do(t, "POST", "/api/v1/problem-lists", token,
		`{"title":"涉企乱罚款问题清单","campaign":"涉企乱罚款","owner_unit":"区司法局"}`)
	if code != http.StatusCreated {
		t.Fatalf("create problem list = %d %v, want 201", code, list)
	}
	listID, _ := list["id"].(string)
	rules := `{"rules":[{"name":"罚款线索","match":{"keywords_any":["罚款","处罚"]},"problem_list_id":"` + listID +
		`","responsible_unit":"区市场监督管理局","deadline_days":30}]}`
	if code, got := st.do(t, "PUT", "/api/v1/routing-rules", token, rules); code != http.StatusOK {
		t.Fatalf("put routing rules = %d %v, want 200", code, got)
	}
	code, sym := st.do(t, "POST", "/api/v1/symposia", token,
		`{"title":"涉企乱罚款问题专项整治座谈会","campaign":"涉企乱罚款","host_unit":"区委依法治区办","venue":"区行政服务中心三楼会议室","status":"open"}`)
	if code != http.StatusCreated {
		t.Fatalf("create symposium = %d %v, want 201", code, sym)
	}
	symCode, _ := sym["code"].(string)
	code, sub := st.do(t, "POST", "/api/v1/symposia/"+symCode+"/suggestions", "",
		`{"participant_kind":"enterprise","kind":"problem_lead","topic":"行政执法","content":"个别执法人员对轻微违法行为直接罚款,建议推行首违不罚清单。"}`)
	if code != http.StatusCreated {
		t.Fatalf("submit = %d %v, want 201", code, sub)
	}
	id, _ := sub["id"].(string)
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, got := st.do(t, "GET", "/api/v1/suggestions/"+id, token, "")
		if code != http.StatusOK {
			t.Fatalf("GET suggestion = %d %v, want 200", code, got)
		}
		if got["status"] == "routed" {
			if got["problem_list_id"] != listID {
				t.Fatalf("routed to problem_list_id %v, want the rule's list %s", got["problem_list_id"], listID)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("suggestion still %v after 20s, want routed", got["status"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestMain(m *testing.M) { dynamotest.Main(m) }
