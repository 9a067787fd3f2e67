package storetest

import (
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Test data from the district's own campaigns and units.
const (
	campaignFines     = "涉企乱罚款专项整治"
	campaignDelegated = "职权下放重放轻管"
	campaignOnSite    = "综合行政执法\"进驻式\"监督"

	unitMarket  = "区市场监督管理局"
	unitCity    = "区城市管理和综合执法局"
	unitTown    = "棠下镇"
	unitJustice = "区司法局"
)

func newSymposium(c *clock, title, campaign string, status feedback.SymposiumStatus) *feedback.Symposium {
	now := c.Next()
	return &feedback.Symposium{
		ID:           feedback.NewID(now),
		Code:         feedback.NewSymposiumCode(),
		Title:        title,
		Campaign:     campaign,
		HostUnit:     "区司法局行政执法协调监督科",
		Venue:        "区行政服务中心三楼会议室",
		StartsAt:     now.Add(24 * time.Hour),
		EndsAt:       now.Add(26 * time.Hour),
		Status:       status,
		AllowedKinds: []feedback.ParticipantKind{feedback.Enterprise, feedback.NPCDeputy},
		CreatedAt:    now,
		UpdatedAt:    now,
	}
}

func mustSymposium(tb testing.TB, st feedback.Store, c *clock, title, campaign string, status feedback.SymposiumStatus) *feedback.Symposium {
	tb.Helper()
	s := newSymposium(c, title, campaign, status)
	must(tb, st.CreateSymposium(ctx(tb), s), "create symposium "+title)
	return s
}

// sample is one suggestion's text and kinds.
type sample struct {
	kind    feedback.SuggestionKind
	who     feedback.ParticipantKind
	channel feedback.Channel
	topic   string
	content string
}

// samples are realistic suggestions and problem leads, as gathered at the
// district's symposia.
var samples = []sample{
	{feedback.KindSuggestion, feedback.Enterprise, feedback.ChannelQR, "罚款标准不统一",
		"同一类违法行为,不同执法人员的罚款金额差别很大,建议公开行政处罚裁量基准。"},
	{feedback.KindSuggestion, feedback.Enterprise, feedback.ChannelWeb, "首违不罚",
		"企业首次轻微违法且及时改正的,建议依法不予行政处罚,推行包容审慎监管。"},
	{feedback.KindProblemLead, feedback.CPPCCMember, feedback.ChannelQR, "下放事项承接能力",
		"镇街承接下放的行政执法事项后,专业执法人员不足,存在重放轻管的问题。"},
	{feedback.KindProblemLead, feedback.NPCDeputy, feedback.ChannelStaffEntry, "执法程序",
		"部分行政执法人员现场检查时未出示执法证件,执法文书填写不规范。"},
	{feedback.KindSuggestion, feedback.Enterprise, feedback.ChannelQR, "重复检查",
		"一个月内多个部门到同一家企业检查,建议推行\"综合查一次\",减少对企业的打扰。"},
	{feedback.KindProblemLead, feedback.Community, feedback.ChannelQR, "占道经营",
		"棠下镇部分路段占道经营问题反复出现,城管执法以罚代管,罚款后不跟踪整改。"},
	{feedback.KindProblemLead, feedback.Public, feedback.ChannelWeb, "违法建设",
		"村里违法建设查处不及时,群众反映多次没有回音。"},
	{feedback.KindSuggestion, feedback.NPCDeputy, feedback.ChannelImport, "行政执法公示",
		"建议在镇政府网站公示行政执法结果,接受群众监督。"},
	{feedback.KindSuggestion, feedback.CPPCCMember, feedback.ChannelStaffEntry, "罚没收入指标",
		"个别单位下达罚没收入指标,容易导致逐利执法,建议坚决纠正。"},
	{feedback.KindSuggestion, feedback.Enterprise, feedback.ChannelWeb, "营商环境",
		"希望执法部门多上门指导服务,少一些简单处罚,罚款不是目的。"},
	{feedback.KindProblemLead, feedback.Community, feedback.ChannelQR, "职权下放",
		"下放到镇的审批事项,区级部门放而不管,指导培训跟不上。"},
}

func newSuggestion(c *clock, sym *feedback.Symposium, sm sample) *feedback.Suggestion {
	now := c.Next()
	return &feedback.Suggestion{
		ID:              feedback.NewID(now),
		Receipt:         feedback.NewReceipt(),
		SymposiumID:     sym.ID,
		Campaign:        sym.Campaign,
		Kind:            sm.kind,
		ParticipantKind: sm.who,
		Name:            "李建国",
		Organization:    "江门市某五金制品有限公司",
		Contact:         "13812345678",
		Topic:           sm.topic,
		Content:         sm.content,
		Channel:         sm.channel,
		Status:          feedback.SuggestionReceived,
		SubmittedAt:     now,
		UpdatedAt:       now,
	}
}

func mustSuggestion(tb testing.TB, st feedback.Store, c *clock, sym *feedback.Symposium, sm sample) *feedback.Suggestion {
	tb.Helper()
	s := newSuggestion(c, sym, sm)
	stored, created, err := st.CreateSuggestion(ctx(tb), s)
	must(tb, err, "create suggestion "+sm.topic)
	if !created {
		tb.Fatalf("create suggestion %s: created = false, want true", sm.topic)
	}
	return stored
}

func newProblemList(c *clock, title, campaign, unit string) *feedback.ProblemList {
	now := c.Next()
	return &feedback.ProblemList{
		ID: feedback.NewID(now), Title: title, Campaign: campaign, OwnerUnit: unit,
		CreatedAt: now, UpdatedAt: now,
	}
}

func mustProblemList(tb testing.TB, st feedback.Store, c *clock, title, campaign, unit string) *feedback.ProblemList {
	tb.Helper()
	l := newProblemList(c, title, campaign, unit)
	must(tb, st.CreateProblemList(ctx(tb), l), "create problem list "+title)
	return l
}

func newProblem(c *clock, list *feedback.ProblemList, title, unit string, deadline feedback.Date, status feedback.ProblemStatus) *feedback.Problem {
	now := c.Next()
	return &feedback.Problem{
		ID:                feedback.NewID(now),
		ProblemListID:     list.ID,
		Title:             title,
		Description:       "座谈会上企业代表反映:" + title + "。",
		ResponsibleUnit:   unit,
		CoUnits:           []string{unitJustice},
		ResponsiblePerson: "王局长",
		Requirement:       "立即整改,建立长效机制,整改结果报区司法局。",
		Deadline:          deadline,
		Status:            status,
		CreatedAt:         now,
		UpdatedAt:         now,
	}
}

func creationEvent(c *clock, p *feedback.Problem) *feedback.AuditEvent {
	now := c.Next()
	return &feedback.AuditEvent{
		ID: feedback.NewID(now), ProblemID: p.ID, Actor: "张科长", At: now,
		Action: feedback.ActionCreated, To: string(p.Status), Note: "根据座谈会意见建立问题",
	}
}

func mustProblem(tb testing.TB, st feedback.Store, c *clock, list *feedback.ProblemList, title, unit string, deadline feedback.Date, status feedback.ProblemStatus) *feedback.Problem {
	tb.Helper()
	p := newProblem(c, list, title, unit, deadline, status)
	must(tb, st.CreateProblem(ctx(tb), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p)}), "create problem "+title)
	return p
}

func newAccount(c *clock, name string, role feedback.Role, unit string) *feedback.Account {
	now := c.Next()
	return &feedback.Account{
		ID: feedback.NewID(now), Name: name, Role: role, Unit: unit,
		TokenHash: feedback.HashToken("token-" + feedback.NewID(now)), CreatedAt: now,
	}
}

func newSummary(c *clock, p feedback.Period, day feedback.Date) *feedback.Summary {
	from, to := p.Bounds(day)
	return &feedback.Summary{
		ID: feedback.SummaryID(p, from), Period: p, From: from, To: to, GeneratedAt: c.Next(),
		Suggestions: feedback.SuggestionStats{
			Received:          18,
			ByParticipantKind: map[string]int{"enterprise": 9, "npc_deputy": 5, "cppcc_member": 4},
			BySymposium:       map[string]int{"01jnsymposiuma": 12, "01jnsymposiumb": 6},
			ByStatus:          map[string]int{"routed": 10, "adopted": 8},
			ByKind:            map[string]int{"suggestion": 12, "problem_lead": 6},
			ByChannel:         map[string]int{"qr": 15, "staff_entry": 3},
			Replied:           9, Rated: 6, Satisfied: 5, Rehandle: 1, ReplyRate: feedback.Rate(9, 18), SatisfactionRate: feedback.Rate(5, 6),
		},
		Problems: feedback.ProblemStats{
			Open: 3, Rectifying: 4, Rectified: 5, Verified: 2, Overdue: 1, DueSoon: 2, LookbacksDue: 1,
			OverdueItems: []feedback.OverdueItem{{ProblemID: "01jnproblem", Title: "以罚代管", ResponsibleUnit: unitCity, Deadline: "2025-03-01", DaysOverdue: 9}},
		},
		Units: []feedback.UnitScore{
			{Unit: unitMarket, Assigned: 5, Rectified: 4, OnTimeRate: 0.75, Overdue: 1,
				Suggestions: 8, Replied: 6, ReplyRate: feedback.Rate(6, 8), Rated: 3, Satisfied: 2, SatisfactionRate: feedback.Rate(2, 3), Rehandles: 1},
			{Unit: unitTown, Assigned: 7, Rectified: 7, OnTimeRate: 1, Relapses: 1, Extended: 2},
		},
		Assessment: []feedback.AssessmentScore{
			{Unit: unitMarket, Score: 97.5, Counts: map[string]int{feedback.EventOverdue: 1, feedback.EventExtension: 1}},
			{Unit: unitTown, Score: 100},
		},
	}
}
