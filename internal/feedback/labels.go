package feedback

import (
	"regexp"
	"strings"
)

// The Chinese words people read for the domain's codes, in one place: the
// API's labels, the public pages, the console, exports, notices, audit
// notes and documents all take them from here, so the same thing is never
// called two names. Codes (the constants' values) are for machines; these
// are for people.

var participantLabels = map[ParticipantKind]string{
	NPCDeputy:   "人大代表",
	CPPCCMember: "政协委员",
	Enterprise:  "企业代表",
	Community:   "村(社区)代表",
	Public:      "群众/其他",
}

// Label is the Chinese label shown to people.
func (k ParticipantKind) Label() string { return participantLabels[k] }

// Label is the Chinese label shown to people.
func (k SuggestionKind) Label() string {
	switch k {
	case KindSuggestion:
		return "意见建议"
	case KindProblemLead:
		return "问题线索"
	}
	return ""
}

// Label is the Chinese label shown to people.
func (c Channel) Label() string {
	switch c {
	case ChannelQR:
		return "扫码"
	case ChannelWeb:
		return "网页"
	case ChannelStaffEntry:
		return "工作人员录入"
	case ChannelImport:
		return "批量导入"
	}
	return ""
}

// TriageLabel is what a suggestion routed to the triage list reads as, to
// staff and to its submitter alike: it waits to be sorted by hand, and
// calling it 已分拣 while staff see it in 待分拣 would contradict them.
const TriageLabel = TriageListTitle

// RepliedLabel is what a routed suggestion with a reply reads as on its
// receipt: 已答复, whatever list it waits in.
const RepliedLabel = "已答复"

// RehandleLabel is what a routed suggestion reads as on its receipt once its
// submitter rated the reply 不满意: the office is handling it again.
const RehandleLabel = "重新办理中"

// Label is the Chinese label of the status alone. A suggestion's own label
// also depends on where it was routed: use Suggestion.StatusLabel.
func (s SuggestionStatus) Label() string {
	switch s {
	case SuggestionReceived:
		return "已收到"
	case SuggestionRouted:
		return "已分拣"
	case SuggestionAdopted:
		return "已采纳"
	case SuggestionDeclined:
		return "未采纳"
	}
	return ""
}

// StatusLabel is the Chinese label of where the suggestion is, as its
// submitter (on the receipt) and staff (in lists and exports) read it: a
// suggestion routed to the triage list is 待分拣, not 已分拣.
func (s *Suggestion) StatusLabel() string {
	if s.InTriage() {
		return TriageLabel
	}
	return s.Status.Label()
}

// InTriage reports whether the suggestion waits in the triage list: routed
// there by default and not yet sorted by hand.
func (s *Suggestion) InTriage() bool {
	return s.Status == SuggestionRouted && s.ProblemListID == TriageListID
}

// Label is the Chinese label shown to people.
func (s ProblemStatus) Label() string {
	switch s {
	case ProblemOpen:
		return "待整改"
	case ProblemRectifying:
		return "整改中"
	case ProblemRectified:
		return "已整改"
	case ProblemVerified:
		return "回头看通过"
	case ProblemReopened:
		return "重新整改"
	case ProblemLongTerm:
		return "长期坚持"
	}
	return ""
}

// Label is the Chinese label shown to people.
func (s SymposiumStatus) Label() string {
	switch s {
	case SymposiumDraft:
		return "未开始"
	case SymposiumOpen:
		return "收集中"
	case SymposiumClosed:
		return "已结束"
	}
	return ""
}

// Label is the Chinese label shown to people.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "管理员"
	case RoleStaff:
		return "工作人员"
	case RoleUnit:
		return "责任单位"
	}
	return ""
}

// Label is the Chinese label shown to people.
func (p Period) Label() string {
	switch p {
	case Daily:
		return "日汇总"
	case Weekly:
		return "周汇总"
	case Monthly:
		return "月汇总"
	}
	return ""
}

var documentLabels = map[DocumentKind]string{
	RectificationNotice: "整改通知书",
	FeedbackOpinion:     "反馈意见书",
	SupervisionBulletin: "督察通报",
	ReplyLetter:         "答复函",
}

// Label is the Chinese name of the kind.
func (k DocumentKind) Label() string { return documentLabels[k] }

var gradeLabels = map[Grade]string{
	GradeA: "已解决或已采纳",
	GradeB: "正在解决或列入计划",
	GradeC: "因条件限制需以后解决",
	GradeD: "留作参考",
}

// Label is the Chinese label of the grade, e.g. 已解决或已采纳.
func (g Grade) Label() string { return gradeLabels[g] }

var ratingLabels = map[Rating]string{
	RatingSatisfied:          "满意",
	RatingBasicallySatisfied: "基本满意",
	RatingDissatisfied:       "不满意",
}

// Label is the Chinese label of the rating.
func (r Rating) Label() string { return ratingLabels[r] }

// Label is the Chinese label of a reply state, as the office's lists show
// it.
func (s ReplyState) Label() string {
	switch s {
	case ReplyAwaiting:
		return "待答复"
	case ReplyGiven:
		return "已答复,待评价"
	case ReplyDissatisfied:
		return "不满意,待重新办理"
	}
	return Rating(s).Label()
}

var actionLabels = map[string]string{
	ActionCreated:        "建立问题",
	ActionTransition:     "状态变更",
	ActionLookbackFailed: "回头看未通过",
	ActionEdited:         "修改",
	ActionLinked:         "关联意见建议",
	ActionExport:         "导出个人信息",
	ActionAnonymized:     "删除过期个人信息",

	ActionRelapse:            "整改反弹(回头看通过后)",
	ActionRehandle:           "重新办理",
	ActionExtensionRequested: "申请延期",
	ActionExtensionApproved:  "同意延期",
	ActionExtensionRefused:   "不同意延期",
	ActionSupervised:         "督办",
	ActionEscalated:          "督办升级",
	ActionContribution:       "协办单位报送",
	ActionUnitRenamed:        "单位名称规范",
	ActionReplied:            "答复提交人",
	ActionRated:              "提交人评价",
}

// ActionLabel is the Chinese label of an audit action, "" for one it does
// not know.
func ActionLabel(action string) string { return actionLabels[action] }

// fieldLabels name the request fields (the API's names, which errors carry
// in "field") in Chinese, for the messages and audit notes people read.
var fieldLabels = map[string]string{
	"id":                                   "编号",
	"receipt":                              "回执号",
	"code":                                 "座谈会代码",
	"symposium_id":                         "座谈会",
	"symposium_ids":                        "座谈会",
	"problem_list_id":                      "问题清单",
	"problem_id":                           "问题",
	"problem_ids":                          "问题",
	"problems":                             "问题",
	"problem":                              "问题",
	"suggestion_id":                        "意见建议",
	"suggestion_ids":                       "意见建议",
	"participant_kind":                     "参会身份",
	"participant_kinds":                    "参会身份",
	"allowed_kinds":                        "参会身份",
	"kind":                                 "类别",
	"channel":                              "提交渠道",
	"status":                               "状态",
	"idempotency_key":                      "表单标识",
	"content":                              "内容",
	"written_on":                           "书写日期",
	"preview_token":                        "导入预览",
	"name":                                 "姓名",
	"organization":                         "单位",
	"contact":                              "联系方式",
	"topic":                                "主题",
	"topics":                               "主题",
	"reply":                                "答复",
	"grade":                                "办理结果",
	"rating":                               "满意度",
	"comment":                              "评价意见",
	"rehandle":                             "重新办理",
	"replied":                              "答复情况",
	"reason":                               "理由",
	"campaign":                             "专项",
	"campaigns":                            "专项",
	"title":                                "标题",
	"owner_unit":                           "牵头单位",
	"host_unit":                            "主办单位",
	"venue":                                "地点",
	"starts_at":                            "开始时间",
	"ends_at":                              "结束时间",
	"description":                          "问题描述",
	"responsible_unit":                     "责任单位",
	"co_units":                             "协办单位",
	"responsible_person":                   "第一责任人",
	"requirement":                          "整改要求",
	"deadline":                             "整改期限",
	"deadline_days":                        "整改天数",
	"progress":                             "整改进展",
	"lookback_due":                         "回头看日期",
	"note":                                 "备注",
	"evidence":                             "佐证说明",
	"evidence_file_ids":                    "佐证材料",
	"photo_file_ids":                       "照片",
	"action":                               "操作",
	"actor":                                "操作人",
	"role":                                 "角色",
	"unit":                                 "单位",
	"token":                                "令牌",
	"q":                                    "搜索内容",
	"period":                               "汇总周期",
	"date":                                 "日期",
	"from":                                 "起始日期",
	"to":                                   "截止日期",
	"overdue":                              "逾期",
	"rules":                                "分拣规则",
	"match":                                "匹配条件",
	"keywords_any":                         "关键词",
	"keywords_all":                         "关键词",
	"updated_by":                           "修改人",
	"cursor":                               "分页参数",
	"limit":                                "每页条数",
	"version":                              "版本",
	"older_than_days":                      "保留天数",
	"file":                                 "文件",
	"rows":                                 "数据行",
	"event":                                "审计记录",
	"units":                                "单位",
	"rules.name":                           "规则名称",
	"rules.responsible_unit":               "默认责任单位",
	"rules.deadline_days":                  "默认整改天数",
	"overdue_items":                        "逾期问题",
	"office_name":                          "机关名称",
	"issuer":                               "发文机关",
	"number_prefixes":                      "发文字号前缀",
	"summary_id":                           "汇总",
	"number":                               "文号",
	"number_prefixes.rectification_notice": "整改通知书字号前缀",
	"number_prefixes.feedback_opinion":     "反馈意见书字号前缀",
	"number_prefixes.supervision_bulletin": "督察通报字号前缀",
	"number_prefixes.reply_letter":         "答复函字号前缀",
	"emblem_file_id":                       "徽标",
	"head":                                 "单位负责人",
	"notify":                               "通知渠道",
	"notify.channel":                       "通知渠道",
	"notify.url":                           "通知地址",
	"notify.secret":                        "签名密钥",
	"deadline_working_days":                "整改期限(工作日)",
	"days":                                 "工作日天数",
	"year":                                 "年份",
	"holidays":                             "放假日期",
	"workdays":                             "调休上班日期",
	"supervised":                           "督办",
	"extension_pending":                    "延期待审批",
	"approve":                              "审批结果",
	"mappings":                             "单位名称对应",
	"mappings.from":                        "原单位名称",
	"mappings.to":                          "规范后的单位",
	"text":                                 "内容",
	"base":                                 "基础分",
	"points":                               "分值",
	"rules.event":                          "考评事件",
	"rules.points":                         "分值",
	"rules.deadline_working_days":          "默认整改期限(工作日)",
}

// FieldLabel is the Chinese name of a request field. A dotted or indexed
// path (rules[0].match.campaigns) is named by its longest known tail.
func FieldLabel(field string) string {
	f := indexRE.ReplaceAllString(field, "")
	for {
		if l, ok := fieldLabels[f]; ok {
			return l
		}
		i := strings.IndexByte(f, '.')
		if i < 0 {
			return "该项"
		}
		f = f[i+1:]
	}
}

var indexRE = regexp.MustCompile(`\[[0-9]+\]`)

// thingLabels name what NotFound can be about.
var thingLabels = map[string]string{
	"symposium":    "座谈会",
	"suggestion":   "意见建议",
	"receipt":      "该回执号对应的意见建议",
	"problem list": "问题清单",
	"problem":      "问题",
	"summary":      "汇总",
	"account":      "账号",
	"file":         "文件",
	"document":     "文书",
	"unit":         "单位",
	"extension":    "延期申请",
	"notice":       "通知",
}

// LabelSet is every label above, code → Chinese, for a client (the
// console) that shows codes it receives from the API.
type LabelSet struct {
	ParticipantKinds   map[string]string
	SuggestionKinds    map[string]string
	Channels           map[string]string
	SuggestionStatuses map[string]string
	ProblemStatuses    map[string]string
	SymposiumStatuses  map[string]string
	Roles              map[string]string
	Periods            map[string]string
	DocumentKinds      map[string]string
	Actions            map[string]string
	Fields             map[string]string
	Grades             map[string]string
	Ratings            map[string]string
	// ReplyStates name the API's reply_state values (awaiting for none).
	ReplyStates map[string]string
	// AssessmentEvents names the events an assessment scheme scores.
	AssessmentEvents map[string]string
	// ExtensionStatuses names the states of an extension request.
	ExtensionStatuses map[string]string
	// NotifyChannels names the kinds of a unit's own notification channel.
	NotifyChannels map[string]string
	// UnitRoles names a unit's part in a problem (unit_role).
	UnitRoles map[string]string
	// Triage is the label of a suggestion routed to the triage list
	// (Suggestion.StatusLabel).
	Triage string
}

// Labels returns every label.
func Labels() LabelSet {
	set := func(codes []string, label func(string) string) map[string]string {
		m := make(map[string]string, len(codes))
		for _, c := range codes {
			m[c] = label(c)
		}
		return m
	}
	strs := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	ls := LabelSet{
		ParticipantKinds: set(strs(len(ParticipantKinds), func(i int) string { return string(ParticipantKinds[i]) }),
			func(c string) string { return ParticipantKind(c).Label() }),
		SuggestionKinds: set(strs(len(SuggestionKinds), func(i int) string { return string(SuggestionKinds[i]) }),
			func(c string) string { return SuggestionKind(c).Label() }),
		Channels: set(strs(len(Channels), func(i int) string { return string(Channels[i]) }),
			func(c string) string { return Channel(c).Label() }),
		SuggestionStatuses: set([]string{string(SuggestionReceived), string(SuggestionRouted), string(SuggestionAdopted), string(SuggestionDeclined)},
			func(c string) string { return SuggestionStatus(c).Label() }),
		ProblemStatuses: set(strs(len(ProblemStatuses), func(i int) string { return string(ProblemStatuses[i]) }),
			func(c string) string { return ProblemStatus(c).Label() }),
		SymposiumStatuses: set([]string{string(SymposiumDraft), string(SymposiumOpen), string(SymposiumClosed)},
			func(c string) string { return SymposiumStatus(c).Label() }),
		Roles:   set([]string{string(RoleAdmin), string(RoleStaff), string(RoleUnit)}, func(c string) string { return Role(c).Label() }),
		Periods: set([]string{string(Daily), string(Weekly), string(Monthly)}, func(c string) string { return Period(c).Label() }),
		DocumentKinds: set(strs(len(DocumentKinds), func(i int) string { return string(DocumentKinds[i]) }),
			func(c string) string { return DocumentKind(c).Label() }),
		Actions: map[string]string{},
		Grades:  set([]string{string(GradeA), string(GradeB), string(GradeC), string(GradeD)}, func(c string) string { return Grade(c).Label() }),
		Ratings: set([]string{string(RatingSatisfied), string(RatingBasicallySatisfied), string(RatingDissatisfied)}, func(c string) string { return Rating(c).Label() }),
		ReplyStates: map[string]string{"awaiting": ReplyAwaiting.Label(), string(ReplyGiven): ReplyGiven.Label(),
			string(ReplySatisfied): ReplySatisfied.Label(), string(ReplyBasically): ReplyBasically.Label(), string(ReplyDissatisfied): ReplyDissatisfied.Label()},
		Fields: map[string]string{},
		ExtensionStatuses: set([]string{string(ExtensionPending), string(ExtensionApproved), string(ExtensionRefused)},
			func(c string) string { return ExtensionStatus(c).Label() }),
		AssessmentEvents: map[string]string{},
		NotifyChannels:   map[string]string{},
		UnitRoles:        map[string]string{"lead": "牵头", "co": "协办"},
		Triage:           TriageLabel,
	}
	for _, e := range AssessmentEvents {
		ls.AssessmentEvents[e.Event] = e.Label
	}
	for _, c := range NotifyChannelKinds {
		ls.NotifyChannels[c.Kind] = c.Label
	}
	for k, v := range actionLabels {
		ls.Actions[k] = v
	}
	for k, v := range fieldLabels {
		ls.Fields[k] = v
	}
	return ls
}
