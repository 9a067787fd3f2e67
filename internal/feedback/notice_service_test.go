package feedback_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/notify"
)

// noticeEnv is a fixture whose service delivers notices for real: the
// office's channel is a webhook on a local server, the units' channels are
// robots whose documented addresses a test transport carries to another
// local server, and the local dispatcher's queue is a slice.
type noticeEnv struct {
	*fixture
	mu         sync.Mutex
	office     []map[string]any // webhook bodies
	robot      []string         // DingTalk markdown texts
	robotDown  bool
	dispatched []*feedback.Notice
}

func newNoticeEnv(t *testing.T) *noticeEnv {
	e := &noticeEnv{}
	officeSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.office = append(e.office, body)
		e.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(officeSrv.Close)
	robotSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.robotDown {
			http.Error(w, "维护中", http.StatusBadGateway)
			return
		}
		var m struct {
			MsgType  string `json:"msgtype"`
			Markdown struct{ Title, Text string }
		}
		if r.URL.Path != "/robot/send" || r.URL.Query().Get("access_token") != "tok" || json.NewDecoder(r.Body).Decode(&m) != nil || m.MsgType != "markdown" {
			_, _ = w.Write([]byte(`{"errcode":300001,"errmsg":"token is not exist"}`))
			return
		}
		e.robot = append(e.robot, m.Markdown.Text)
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	t.Cleanup(robotSrv.Close)
	target, _ := url.Parse(robotSrv.URL)
	client := &http.Client{Transport: roundTrip(func(req *http.Request) (*http.Response, error) {
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		return http.DefaultTransport.RoundTrip(r)
	})}
	e.fixture = newFixture(t, func(c *feedback.Config) {
		c.Office = &notify.Webhook{URL: officeSrv.URL}
		c.UnitNotifier = &notify.Channels{Client: client}
		c.Dispatch = func(n *feedback.Notice) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.dispatched = append(e.dispatched, n)
		}
	})
	ctx := context.Background()
	// 区市场监督管理局 has a DingTalk robot; 区司法局 no channel of its own.
	if _, err := e.svc.UpdateUnit(ctx, e.staff, unitMarket, feedback.UnitEdit{Head: ptr("王局长"),
		Notify: &feedback.NotifyChannel{Kind: feedback.NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=tok"}}); err != nil {
		t.Fatal(err)
	}
	return e
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (e *noticeEnv) counts() (office, robot, dispatched int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.office), len(e.robot), len(e.dispatched)
}

func (e *noticeEnv) setRobotDown(down bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.robotDown = down
}

func (e *noticeEnv) takeDispatched() []*feedback.Notice {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.dispatched
	e.dispatched = nil
	return out
}

func TestAssignmentNotice(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	list := e.list(t, "涉企乱罚款问题清单")
	p, err := e.svc.CreateProblem(ctx, e.staff, feedback.ProblemInput{
		ProblemListID: list.ID, Title: "门前三包罚款标准不一", ResponsibleUnit: unitMarket, CoUnits: []string{unitJustice},
		ResponsiblePerson: "王局长", Requirement: "统一裁量基准。", Deadline: "2025-04-30",
	})
	if err != nil {
		t.Fatal(err)
	}
	ns := e.takeDispatched()
	if len(ns) != 1 {
		t.Fatalf("dispatched %d notices after the commit, want 1", len(ns))
	}
	n := ns[0]
	// A requirement typed as a sentence keeps one full stop.
	if strings.Contains(n.Text, "。。") {
		t.Errorf("notice text %q doubles a full stop", n.Text)
	}
	for _, want := range []string{"交办通知", unitMarket + "牵头", unitJustice + "协办", "门前三包罚款标准不一", "涉企乱罚款问题清单", "统一裁量基准", "2025-04-30", "王局长"} {
		if !strings.Contains(n.Text, want) {
			t.Errorf("notice text %q lacks %q", n.Text, want)
		}
	}
	if n.Kind != feedback.NoticeAssignment || n.ProblemID != p.ID || n.Unit != unitMarket || !slices.Equal(n.CoUnits, []string{unitJustice}) {
		t.Errorf("notice = %+v", n)
	}
	if want := "https://jianyan.example.gov.cn/console/problems/" + p.ID; n.Link != want {
		t.Errorf("link = %q, want the console's problem page %q", n.Link, want)
	}
	stored, err := e.store.GetNotice(ctx, n.ID)
	if err != nil || !stored.DeliveredAt.IsZero() {
		t.Fatalf("stored notice = %+v, %v; want it pending in the outbox", stored, err)
	}

	done, err := e.svc.DeliverNotice(ctx, n)
	if err != nil || !done {
		t.Fatalf("DeliverNotice = %v, %v; want done", done, err)
	}
	office, robot, _ := e.counts()
	if office != 1 || robot != 1 {
		t.Fatalf("office got %d, robot %d; want 1 each (司法局 has no channel)", office, robot)
	}
	if !strings.Contains(e.robot[0], "[查看详情]("+n.Link+")") {
		t.Errorf("robot text %q lacks the link", e.robot[0])
	}
	if e.office[0]["kind"] != "assignment" || e.office[0]["problem_id"] != p.ID {
		t.Errorf("office webhook body = %v", e.office[0])
	}
	stored, _ = e.store.GetNotice(ctx, n.ID)
	if stored.DeliveredAt.IsZero() || !slices.Equal(stored.Delivered, []string{feedback.TargetOffice, feedback.UnitTarget(unitMarket)}) || stored.Attempts != 1 {
		t.Errorf("stored after delivery = %+v", stored)
	}
	if done, err := e.svc.DeliverNotice(ctx, stored); !done || err != nil {
		t.Errorf("delivering a delivered notice again = %v, %v", done, err)
	}
	if office, robot, _ := e.counts(); office != 1 || robot != 1 {
		t.Errorf("a delivered notice was sent again: office %d, robot %d", office, robot)
	}

	// Editing other fields notifies nobody; a new lead unit is notified,
	// the co-unit that already had it is not.
	if _, err := e.svc.EditProblem(ctx, e.staff, p.ID, feedback.ProblemEdit{Requirement: ptr("统一裁量基准并公开")}); err != nil {
		t.Fatal(err)
	}
	if ns := e.takeDispatched(); len(ns) != 0 {
		t.Errorf("an edit of the requirement sent %d notices", len(ns))
	}
	if _, err := e.svc.EditProblem(ctx, e.staff, p.ID, feedback.ProblemEdit{ResponsibleUnit: ptr(unitJustice), CoUnits: &[]string{unitMarket}}); err != nil {
		t.Fatal(err)
	}
	ns = e.takeDispatched()
	if len(ns) != 1 || ns[0].Unit != unitJustice || len(ns[0].CoUnits) != 0 {
		t.Fatalf("reassignment notices = %+v, want one to the new lead only", ns)
	}
}

// A channel that fails keeps the notice pending for that target only; the
// sweeper sends it there once the channel is back, and gives up after
// MaxNoticeAttempts.
func TestNoticeRetriedBySweeper(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	list := e.list(t, "涉企乱罚款问题清单")
	e.setRobotDown(true)
	if _, err := e.svc.CreateProblem(ctx, e.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "重复检查", ResponsibleUnit: unitMarket}); err != nil {
		t.Fatal(err)
	}
	n := e.takeDispatched()[0]
	done, err := e.svc.DeliverNotice(ctx, n)
	if err != nil || done {
		t.Fatalf("DeliverNotice with the robot down = %v, %v; want not done, no error", done, err)
	}
	if !slices.Equal(n.Delivered, []string{feedback.TargetOffice}) || n.LastError == "" || n.Attempts != 1 {
		t.Errorf("after a partial delivery: %+v", n)
	}
	// Not yet due for the sweeper.
	if sent, pending, err := e.svc.SweepNotices(ctx, time.Minute); err != nil || sent+pending != 0 {
		t.Errorf("early sweep = %d, %d, %v; want nothing", sent, pending, err)
	}
	e.advance(2 * time.Minute)
	e.setRobotDown(false)
	if sent, pending, err := e.svc.SweepNotices(ctx, time.Minute); err != nil || sent != 1 || pending != 0 {
		t.Fatalf("sweep = %d, %d, %v; want 1 delivered", sent, pending, err)
	}
	if office, robot, _ := e.counts(); office != 1 || robot != 1 {
		t.Errorf("office got %d (want 1: not re-sent), robot %d (want 1)", office, robot)
	}

	// A robot that never comes back: given up, and no longer pending.
	e.setRobotDown(true)
	if _, err := e.svc.CreateProblem(ctx, e.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "多头执法", ResponsibleUnit: unitMarket}); err != nil {
		t.Fatal(err)
	}
	n = e.takeDispatched()[0]
	for range feedback.MaxNoticeAttempts + 3 {
		e.advance(2 * time.Minute)
		if _, _, err := e.svc.SweepNotices(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	stored, err := e.store.GetNotice(ctx, n.ID)
	if err != nil || !stored.Failed || stored.DeliveredAt.IsZero() || stored.Attempts != feedback.MaxNoticeAttempts {
		t.Fatalf("after the robot stayed down: %+v, %v; want given up after %d attempts", stored, err, feedback.MaxNoticeAttempts)
	}
}

// officeNotices records what a scheduled run sends to the office.
type officeNotices struct {
	mu sync.Mutex
	ns []feedback.Notice
}

func (o *officeNotices) Notify(_ context.Context, n feedback.Notice) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ns = append(o.ns, n)
	return nil
}

// TestReminderLinks: the office's copy of a reminder leads to the unit's
// overdue problems in 问题跟踪 (office staff may not open a unit's
// workspace); the copy on the unit's own channel leads to its workspace
// (a unit account may not open the office's views).
func TestReminderLinks(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	list := e.list(t, "涉企乱罚款问题清单")
	for _, in := range []feedback.ProblemInput{
		{ProblemListID: list.ID, Title: "门前三包罚款标准不一", ResponsibleUnit: unitMarket, ResponsiblePerson: "王局长", Requirement: "统一裁量基准", Deadline: "2025-03-10"},
		{ProblemListID: list.ID, Title: "行政复议告知不全", ResponsibleUnit: unitJustice, ResponsiblePerson: "赵科长", Requirement: "完善告知书", Deadline: "2025-03-16"},
	} {
		if _, err := e.svc.CreateProblem(ctx, e.staff, in); err != nil {
			t.Fatal(err)
		}
	}
	e.takeDispatched()
	e.advance(10 * 24 * time.Hour) // 2025-03-14: 市场监管 4 days late, 司法局 due in 2
	office := &officeNotices{}
	if _, err := e.svc.RunScheduledSummary(ctx, feedback.Daily, time.Time{}, office); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{}
	for _, n := range office.ns {
		if n.Kind == feedback.NoticeReminder {
			links[n.Unit] = n.Link
			if !strings.Contains(n.Text, n.Link) {
				t.Errorf("reminder to %s: text %q lacks its link", n.Unit, n.Text)
			}
		}
	}
	for unit, want := range map[string]string{
		unitMarket:  "https://jianyan.example.gov.cn/console/problems?overdue=true&unit=" + url.QueryEscape(unitMarket),
		unitJustice: "https://jianyan.example.gov.cn/console/problems?unit=" + url.QueryEscape(unitJustice),
	} {
		if links[unit] != want {
			t.Errorf("office's reminder about %s links %q, want %q", unit, links[unit], want)
		}
	}
	_, robot, _ := e.counts()
	if robot != 1 {
		t.Fatalf("the units' own channels got %d reminders, want 1 (only 市场监管 has a robot)", robot)
	}
	if want := "[查看详情](https://jianyan.example.gov.cn/console/workspace)"; !strings.Contains(e.robot[0], want) || strings.Contains(e.robot[0], "/console/problems") {
		t.Errorf("the unit's own reminder %q should lead to its workspace %s only", e.robot[0], want)
	}
}

// TestReopenNotice: a failed look-back, or a relapse after a passed one,
// gives the problem back to its units with a new deadline; they hear of
// it at once, with what was found and by when, not only when they next
// open their workspace.
func TestReopenNotice(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	p := e.problemFor(t, "门前三包罚款标准不一")
	for _, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := e.svc.TransitionProblem(ctx, e.unit, p.ID, transition(to, "已整改")); err != nil {
			t.Fatal(err)
		}
	}
	e.takeDispatched()
	if _, err := e.svc.TransitionProblem(ctx, e.staff, p.ID, transition(feedback.ProblemReopened, "抽查两处仍按旧标准罚款。")); err != nil {
		t.Fatal(err)
	}
	ns := e.takeDispatched()
	if len(ns) != 1 || ns[0].Kind != feedback.NoticeReopened || ns[0].Unit != unitMarket || !slices.Equal(ns[0].CoUnits, []string{unitJustice}) || ns[0].ProblemID != p.ID {
		t.Fatalf("notices = %+v, want one reopened notice to the lead unit and its co-unit", ns)
	}
	for _, want := range []string{"回头看未通过", "门前三包罚款标准不一", "抽查两处仍按旧标准罚款。整改期限", "2025-06-30"} {
		if !strings.Contains(ns[0].Text, want) {
			t.Errorf("notice text %q lacks %q", ns[0].Text, want)
		}
	}
	// The robot's heading says what the text says, not 交办通知.
	if done, err := e.svc.DeliverNotice(ctx, ns[0]); err != nil || !done {
		t.Fatalf("DeliverNotice = %v, %v", done, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.robot) != 1 || !strings.Contains(e.robot[0], "重新整改通知") || strings.Contains(e.robot[0], "交办通知") {
		t.Errorf("the unit's robot got %q, want the 重新整改通知 heading", e.robot)
	}
	if len(e.office) != 1 || e.office[0]["kind"] != "reopened" || e.office[0]["title"] != "建言 · 重新整改通知" {
		t.Errorf("office webhook body = %v", e.office)
	}
}

// TestExtensionRequestNotice: a unit asking for more time is a decision
// waiting for the office, which hears of it at once on its own channel
// (the webhook locally, SNS on AWS) with who asks, for which problem,
// until when and why, and a link to the problem's console page. The
// unit's robot gets nothing: the request is the unit's own.
func TestExtensionRequestNotice(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	p := e.problemFor(t, "门前三包罚款标准不一") // deadline 2025-03-31
	for _, n := range e.takeDispatched() {
		if _, err := e.svc.DeliverNotice(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	office, robot, _ := e.counts()
	ext, err := e.svc.RequestExtension(ctx, e.unit, p.ID, feedback.ExtensionInput{Deadline: "2025-04-30", Reason: "需要与城管部门联合制定裁量基准"})
	if err != nil {
		t.Fatal(err)
	}
	ns := e.takeDispatched()
	if len(ns) != 1 {
		t.Fatalf("dispatched %d notices after the request, want 1", len(ns))
	}
	n := ns[0]
	if n.Kind != feedback.NoticeExtensionRequest || n.Unit != "" || len(n.CoUnits) != 0 || n.ProblemID != p.ID {
		t.Errorf("notice = %+v, want an extension_request to no unit", n)
	}
	for _, want := range []string{"延期申请待审批", unitMarket + "申请", "「门前三包罚款标准不一」", "由 2025-03-31 延至 2025-04-30", "需要与城管部门联合制定裁量基准。", "延期待审批"} {
		if !strings.Contains(n.Text, want) {
			t.Errorf("notice text %q lacks %q", n.Text, want)
		}
	}
	if want := "https://jianyan.example.gov.cn/console/problems/" + p.ID; n.Link != want {
		t.Errorf("link = %q, want the console's problem page %q", n.Link, want)
	}
	if done, err := e.svc.DeliverNotice(ctx, n); err != nil || !done {
		t.Fatalf("DeliverNotice = %v, %v; want done", done, err)
	}
	gotOffice, gotRobot, _ := e.counts()
	if gotOffice != office+1 || gotRobot != robot {
		t.Fatalf("office got %d more, the unit's robot %d more; want 1 and 0", gotOffice-office, gotRobot-robot)
	}
	body := e.office[len(e.office)-1]
	if body["kind"] != "extension_request" || body["title"] != "建言 · 延期申请待审批" || body["problem_id"] != p.ID ||
		body["link"] != n.Link || body["text"] != n.Text || body["unit"] != nil {
		t.Errorf("office webhook body = %v", body)
	}
	stored, err := e.store.GetNotice(ctx, n.ID)
	if err != nil || !slices.Equal(stored.Delivered, []string{feedback.TargetOffice}) || stored.DeliveredAt.IsZero() {
		t.Errorf("stored notice = %+v, %v; want delivered to the office only", stored, err)
	}
	// The decision goes to the unit as before, not back to the office's
	// waiting list.
	if _, err := e.svc.DecideExtension(ctx, e.staff, p.ID, ext.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if ns := e.takeDispatched(); len(ns) != 1 || ns[0].Kind != feedback.NoticeExtensionDecision || ns[0].Unit != unitMarket {
		t.Errorf("decision notices = %+v", ns)
	}
}
