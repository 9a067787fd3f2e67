// Command round1 made round1.db and round1.json, the upgrade test's
// fixture: a small office's file as round one's release (commit cf7dd9d)
// wrote it, through that release's own domain code and SQLite store.
//
// It is kept for the record and does not build against today's code. To
// make the fixture again:
//
//	git archive cf7dd9d | tar -x -C <empty folder>
//	mkdir <that folder>/cmd/round1 && cp main.go <that folder>/cmd/round1/
//	cd <that folder> && go run ./cmd/round1 <this folder>
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// Expected is what round1.json holds: what the upgrade test must find.
type Expected struct {
	SchemaVersion int                  `json:"schema_version"`
	Symposia      []ExpectedSymposium  `json:"symposia"`
	Suggestions   []ExpectedSuggestion `json:"suggestions"`
	ProblemLists  []ExpectedList       `json:"problem_lists"`
	Problems      []ExpectedProblem    `json:"problems"`
	Summaries     []string             `json:"summaries"`
	Accounts      []ExpectedAccount    `json:"accounts"`
	RuleSet       ExpectedRuleSet      `json:"rule_set"`
	Rows          map[string]int       `json:"rows"`
}

type ExpectedSymposium struct {
	ID, Code, Title, Campaign, Status string
}

type ExpectedSuggestion struct {
	ID, Receipt, SymposiumID, ParticipantKind, Kind, Channel, Status string
	Name, Organization, Contact, Topic, Content                      string
	ProblemListID, ProblemID, Reply                                  string
	SubmittedAt                                                      time.Time
}

type ExpectedList struct {
	ID, Title string
	Triage    bool
}

type ExpectedProblem struct {
	ID, ProblemListID, Title, ResponsibleUnit, Status, Deadline string
	SuggestionIDs                                               []string
	Events                                                      int
}

type ExpectedAccount struct {
	ID, Name, Role, Unit, Token string
}

type ExpectedRuleSet struct {
	Version int64
	Names   []string
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: round1 <output folder>")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	path := filepath.Join(out, "round1.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
	now := time.Date(2025, time.March, 12, 9, 0, 0, 0, feedback.Shanghai)
	clock := func() time.Time { return now }
	tick := func(d time.Duration) { now = now.Add(d) }
	st, err := sqlite.Open(ctx, path, sqlite.WithClock(clock))
	if err != nil {
		return err
	}
	svc := feedback.NewService(st, feedback.Config{PublicBaseURL: "http://127.0.0.1:8080", Now: clock})
	office := feedback.Identity{Subject: "cli", Name: "区委依法治区办", Role: feedback.RoleAdmin}

	var exp Expected
	for _, a := range []feedback.AccountInput{
		{Name: "依法治区办 张科长", Role: feedback.RoleAdmin},
		{Name: "督察科 李干事", Role: feedback.RoleStaff},
		{Name: "区市场监督管理局", Role: feedback.RoleUnit, Unit: "区市场监督管理局"},
		{Name: "杜阮镇人民政府", Role: feedback.RoleUnit, Unit: "杜阮镇人民政府"},
	} {
		acct, token, err := svc.CreateAccount(ctx, office, a)
		if err != nil {
			return fmt.Errorf("account %s: %w", a.Name, err)
		}
		exp.Accounts = append(exp.Accounts, ExpectedAccount{ID: acct.ID, Name: acct.Name, Role: string(acct.Role), Unit: acct.Unit, Token: token})
		tick(time.Minute)
	}

	sym := func(in feedback.SymposiumInput) (*feedback.Symposium, error) {
		tick(time.Minute)
		return svc.CreateSymposium(ctx, office, in)
	}
	fines, err := sym(feedback.SymposiumInput{Title: "涉企乱罚款问题专项整治企业座谈会", Campaign: "涉企乱罚款",
		HostUnit: "区委依法治区办", Venue: "区行政服务中心三楼会议室", StartsAt: now.Add(30 * time.Minute), Status: feedback.SymposiumOpen})
	if err != nil {
		return err
	}
	delegated, err := sym(feedback.SymposiumInput{Title: "职权下放重放轻管问题征求意见座谈会", Campaign: "职权下放重放轻管",
		HostUnit: "区司法局", Venue: "区政府二号会议室", StartsAt: now.Add(2 * time.Hour), Status: feedback.SymposiumOpen,
		AllowedKinds: []feedback.ParticipantKind{feedback.NPCDeputy, feedback.CPPCCMember, feedback.Enterprise}})
	if err != nil {
		return err
	}
	duruan, err := sym(feedback.SymposiumInput{Title: "杜阮镇综合行政执法“进驻式”监督座谈会", Campaign: "综合行政执法进驻式监督",
		HostUnit: "区委依法治区办", Venue: "杜阮镇政府会议室", StartsAt: now.Add(24 * time.Hour), Status: feedback.SymposiumOpen})
	if err != nil {
		return err
	}

	list := func(in feedback.ProblemListInput) (*feedback.ProblemList, error) {
		tick(time.Minute)
		return svc.CreateProblemList(ctx, office, in)
	}
	finesList, err := list(feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款", OwnerUnit: "区委依法治区办"})
	if err != nil {
		return err
	}
	duruanList, err := list(feedback.ProblemListInput{Title: "杜阮镇综合行政执法问题清单", SymposiumID: duruan.ID, OwnerUnit: "区委依法治区办"})
	if err != nil {
		return err
	}
	rules := &feedback.RuleSet{Rules: []feedback.RoutingRule{
		{Name: "涉企罚款", Match: feedback.RuleMatch{Campaigns: []string{"涉企乱罚款"}, KeywordsAny: []string{"罚款", "处罚", "裁量"}},
			ProblemListID: finesList.ID, ResponsibleUnit: "区市场监督管理局", DeadlineDays: 30},
		{Name: "杜阮镇进驻监督", Match: feedback.RuleMatch{SymposiumIDs: []string{duruan.ID}},
			ProblemListID: duruanList.ID, ResponsibleUnit: "杜阮镇人民政府", DeadlineDays: 60},
	}}
	if err := svc.PutRules(ctx, office, rules); err != nil {
		return fmt.Errorf("rules: %w", err)
	}

	type sub struct {
		sym  *feedback.Symposium
		in   feedback.SubmissionInput
		mode string // qr, staff, import
	}
	subs := []sub{
		{fines, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Name: "陈经理", Organization: "江门市某五金制品有限公司", Contact: "13800138001",
			Topic: "罚款标准", Content: "同一类违法行为,不同执法人员开出的罚款金额差别很大,建议公开行政处罚裁量基准。", IdempotencyKey: "k-0001"}, "qr"},
		{fines, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Organization: "某餐饮店", Topic: "首违不罚",
			Content: "小微企业初次轻微违法被直接罚款,建议落实首违不罚清单,先教育后处罚。", IdempotencyKey: "k-0002"}, "qr"},
		{fines, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Name: "王代表", Contact: "wang@example.cn", Topic: "执法检查",
			Content: "部分部门对同一企业一年内多次重复检查,影响正常经营,建议推行综合查一次。", IdempotencyKey: "k-0003"}, "qr"},
		{fines, feedback.SubmissionInput{ParticipantKind: feedback.CPPCCMember, Topic: "以罚代管", Kind: feedback.KindProblemLead,
			Content: "个别执法队存在罚款指标,以罚代管现象仍然存在。", IdempotencyKey: "k-0004"}, "qr"},
		{fines, feedback.SubmissionInput{ParticipantKind: feedback.Public, Topic: "营商环境",
			Content: "希望政务服务大厅延长周六办理时间。", IdempotencyKey: "k-0005"}, "qr"},
		{fines, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Name: "刘总", Organization: "蓬江区某物流公司", Contact: "13900139002",
			Topic: "罚款标准", Content: "货车超限处罚程序不透明,处罚决定书未告知救济途径。"}, "staff"},
		{delegated, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Name: "赵代表", Topic: "承接能力",
			Content: "镇街承接下放的审批事项后专业人员不足,存在重放轻管的问题。", IdempotencyKey: "k-0101"}, "qr"},
		{delegated, feedback.SubmissionInput{ParticipantKind: feedback.CPPCCMember, Topic: "事中事后监管",
			Content: "下放事项的事中事后监管责任不清,部门与镇街之间相互推诿。", IdempotencyKey: "k-0102"}, "qr"},
		{delegated, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Organization: "某建材企业", Topic: "办事指南",
			Content: "下放后的办事指南没有及时更新,企业多跑了两趟。"}, "import"},
		{delegated, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Topic: "培训",
			Content: "建议区直部门对镇街执法人员开展业务培训并定期评估。"}, "import"},
		{duruan, feedback.SubmissionInput{ParticipantKind: feedback.Community, Name: "杜阮镇某村委", Topic: "执法证件", Kind: feedback.KindProblemLead,
			Content: "执法人员现场检查时未出示执法证件,执法文书填写不规范。", IdempotencyKey: "k-0201"}, "qr"},
		{duruan, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Topic: "案卷管理", Kind: feedback.KindProblemLead,
			Content: "抽查的执法案卷中存在立案审批滞后、证据材料不完整的情况。", IdempotencyKey: "k-0202"}, "qr"},
		{duruan, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Topic: "法制审核", Kind: feedback.KindProblemLead,
			Content: "重大执法决定法制审核流于形式,审核意见过于简单。", IdempotencyKey: "k-0203"}, "qr"},
		{duruan, feedback.SubmissionInput{ParticipantKind: feedback.Community, Topic: "人员力量",
			Content: "综合行政执法队人员编制不足,辅助人员从事执法的现象仍有发生。", IdempotencyKey: "k-0204"}, "qr"},
		{duruan, feedback.SubmissionInput{ParticipantKind: feedback.Public, Topic: "投诉处理",
			Content: "群众投诉的占道经营问题处理回复不及时。"}, "staff"},
	}
	var created []*feedback.Suggestion
	var importRows []feedback.ImportRow
	for _, s := range subs {
		tick(7 * time.Minute)
		switch s.mode {
		case "qr":
			sg, _, err := svc.Submit(ctx, s.sym.Code, s.in, feedback.ChannelQR)
			if err != nil {
				return fmt.Errorf("submit %q: %w", s.in.Content, err)
			}
			created = append(created, sg)
			if s.in.IdempotencyKey == "k-0001" { // the phone sent it twice
				again, created, err := svc.Submit(ctx, s.sym.Code, s.in, feedback.ChannelQR)
				if err != nil || created || again.ID != sg.ID {
					return fmt.Errorf("idempotent resubmission: created %v, %v", created, err)
				}
			}
		case "staff":
			sg, _, err := svc.StaffEntry(ctx, office, s.sym.ID, s.in)
			if err != nil {
				return fmt.Errorf("staff entry %q: %w", s.in.Content, err)
			}
			created = append(created, sg)
		case "import":
			importRows = append(importRows, feedback.ImportRow{Row: len(importRows) + 2, Input: s.in})
		}
	}
	res, err := svc.Import(ctx, office, delegated.ID, importRows)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	created = append(created, res.Suggestions...)
	for _, sg := range created {
		tick(time.Second)
		if err := svc.RouteSuggestion(ctx, sg.ID); err != nil {
			return fmt.Errorf("route %s: %w", sg.Receipt, err)
		}
	}

	// Problems: from the routed suggestions, through their lifecycles.
	tick(24 * time.Hour)
	problem := func(listID, title, unit, person, requirement string, deadline feedback.Date, sugs ...*feedback.Suggestion) (*feedback.Problem, error) {
		tick(10 * time.Minute)
		var ids []string
		for _, s := range sugs {
			ids = append(ids, s.ID)
		}
		return svc.CreateProblem(ctx, office, feedback.ProblemInput{ProblemListID: listID, Title: title, SuggestionIDs: ids,
			ResponsibleUnit: unit, ResponsiblePerson: person, Requirement: requirement, Deadline: deadline})
	}
	move := func(p *feedback.Problem, t feedback.Transition) (*feedback.Problem, error) {
		tick(3 * 24 * time.Hour)
		return svc.TransitionProblem(ctx, office, p.ID, t)
	}
	p1, err := problem(finesList.ID, "行政处罚裁量基准不统一", "区市场监督管理局", "局长", "公开裁量基准,统一同类违法行为的处罚尺度。", "2025-04-15", created[0], created[5])
	if err != nil {
		return err
	}
	p2, err := problem(finesList.ID, "首违不罚清单未落实", "区市场监督管理局", "局长", "制定并公布首违不罚清单。", "2025-04-30", created[1])
	if err != nil {
		return err
	}
	p3, err := problem(duruanList.ID, "执法人员未出示证件、文书不规范", "杜阮镇人民政府", "镇长", "严格执行亮证执法,规范文书。", "2025-05-10", created[8])
	if err != nil {
		return err
	}
	p4, err := problem(duruanList.ID, "案卷立案审批滞后、证据不完整", "杜阮镇人民政府", "镇长", "开展案卷自查,补齐证据材料。", "2025-05-10", created[9])
	if err != nil {
		return err
	}
	p5, err := problem(duruanList.ID, "执法队人员编制不足", "杜阮镇人民政府", "镇长", "制定人员补充计划。", "2025-06-30", created[11])
	if err != nil {
		return err
	}
	if p1, err = move(p1, feedback.Transition{To: feedback.ProblemRectifying, Note: "已启动整改"}); err != nil {
		return err
	}
	if p1, err = move(p1, feedback.Transition{To: feedback.ProblemRectified, Note: "裁量基准已公开", Evidence: "区政府网站公示链接"}); err != nil {
		return err
	}
	if p1, err = move(p1, feedback.Transition{To: feedback.ProblemVerified, Note: "回头看通过"}); err != nil {
		return err
	}
	if p3, err = move(p3, feedback.Transition{To: feedback.ProblemRectifying, Note: "组织全员培训"}); err != nil {
		return err
	}
	if p3, err = move(p3, feedback.Transition{To: feedback.ProblemRectified, Note: "已整改"}); err != nil {
		return err
	}
	if p3, err = move(p3, feedback.Transition{To: feedback.ProblemReopened, Note: "回头看发现仍有未亮证情况", NewDeadline: "2025-06-15"}); err != nil {
		return err
	}
	if p5, err = move(p5, feedback.Transition{To: feedback.ProblemLongTerm, Note: "需长期坚持"}); err != nil {
		return err
	}
	progress := "已完成一半案卷的自查"
	tick(time.Hour)
	if p4, err = svc.EditProblem(ctx, office, p4.ID, feedback.ProblemEdit{Progress: &progress}); err != nil {
		return err
	}
	tick(time.Hour)
	if p2, err = svc.LinkSuggestion(ctx, office, p2.ID, created[3].ID); err != nil {
		return fmt.Errorf("link: %w", err)
	}
	tick(time.Hour)
	if _, err := svc.DeclineSuggestion(ctx, office, created[4].ID, "该建议不属于本次专项整治范围,已转区政务服务数据管理局研究。"); err != nil {
		return fmt.Errorf("decline: %w", err)
	}
	tick(time.Hour)
	closed := feedback.SymposiumClosed
	if _, err := svc.UpdateSymposium(ctx, office, duruan.ID, feedback.SymposiumPatch{Status: &closed}); err != nil {
		return err
	}
	for _, p := range []struct {
		period feedback.Period
		date   feedback.Date
	}{{feedback.Daily, "2025-03-12"}, {feedback.Weekly, "2025-03-12"}, {feedback.Monthly, "2025-03-01"}} {
		tick(time.Minute)
		sm, err := svc.GenerateSummary(ctx, office, p.period, p.date)
		if err != nil {
			return fmt.Errorf("summary %s: %w", p.period, err)
		}
		exp.Summaries = append(exp.Summaries, sm.ID)
	}
	if err := st.Close(); err != nil {
		return err
	}

	// Read back what the file holds, for the test.
	st, err = sqlite.Open(ctx, path, sqlite.WithClock(clock))
	if err != nil {
		return err
	}
	exp.SchemaVersion = sqlite.SchemaVersion
	for _, sy := range []*feedback.Symposium{fines, delegated, duruan} {
		got, err := st.GetSymposium(ctx, sy.ID)
		if err != nil {
			return err
		}
		exp.Symposia = append(exp.Symposia, ExpectedSymposium{ID: got.ID, Code: got.Code, Title: got.Title, Campaign: got.Campaign, Status: string(got.Status)})
	}
	for _, s := range created {
		got, err := st.GetSuggestion(ctx, s.ID)
		if err != nil {
			return err
		}
		exp.Suggestions = append(exp.Suggestions, ExpectedSuggestion{ID: got.ID, Receipt: got.Receipt, SymposiumID: got.SymposiumID,
			ParticipantKind: string(got.ParticipantKind), Kind: string(got.Kind), Channel: string(got.Channel), Status: string(got.Status),
			Name: got.Name, Organization: got.Organization, Contact: got.Contact, Topic: got.Topic, Content: got.Content,
			ProblemListID: got.ProblemListID, ProblemID: got.ProblemID, Reply: got.Reply, SubmittedAt: got.SubmittedAt})
	}
	for _, id := range []string{feedback.TriageListID, finesList.ID, duruanList.ID} {
		got, err := st.GetProblemList(ctx, id)
		if err != nil {
			return err
		}
		exp.ProblemLists = append(exp.ProblemLists, ExpectedList{ID: got.ID, Title: got.Title, Triage: got.Triage})
	}
	for _, p := range []*feedback.Problem{p1, p2, p3, p4, p5} {
		got, err := st.GetProblem(ctx, p.ID)
		if err != nil {
			return err
		}
		evs, err := st.ListAuditEvents(ctx, p.ID, feedback.MaxListLimit, "")
		if err != nil {
			return err
		}
		exp.Problems = append(exp.Problems, ExpectedProblem{ID: got.ID, ProblemListID: got.ProblemListID, Title: got.Title,
			ResponsibleUnit: got.ResponsibleUnit, Status: string(got.Status), Deadline: string(got.Deadline),
			SuggestionIDs: got.SuggestionIDs, Events: len(evs.Items)})
	}
	rs, err := st.GetRuleSet(ctx)
	if err != nil {
		return err
	}
	exp.RuleSet.Version = rs.Version
	for _, r := range rs.Rules {
		exp.RuleSet.Names = append(exp.RuleSet.Names, r.Name)
	}
	if err := st.Close(); err != nil {
		return err
	}

	// Compact the file, count its rows, and leave it checkpointed with no
	// WAL beside it.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec("VACUUM"); err != nil {
		return err
	}
	exp.Rows = map[string]int{}
	for _, table := range []string{"meta", "symposia", "suggestions", "problem_lists", "problems", "audit_events", "rule_set", "summaries", "accounts", "problem_counters"} {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", table, err)
		}
		exp.Rows[table] = n
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "round1.json"), append(raw, '\n'), 0o644)
}
