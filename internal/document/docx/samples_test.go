package docx_test

import (
	"fmt"
	"time"

	"github.com/jianyan/jianyan/internal/document"
)

// The samples are the four documents the office issues, filled the way the
// domain fills them, with the campaigns, units and numbers of the
// district's report (涉企乱罚款 and 职权下放重放轻管 campaigns, the
// on-site supervision of 杜阮镇 and 环市街, 49 case files, 12 leads).

var shanghai = time.FixedZone("CST", 8*3600)

const (
	office      = "蓬江区全面依法治区委员会办公室"
	officeMark  = "蓬江区全面依法治区委员会办公室文件"
	contactNote = "联系人：李明，联系电话：0750-3273101"
)

// problem is one row of a problem list.
type problem struct {
	title, requirement, person, deadline string
}

var duruanProblems = []problem{
	{"行政处罚决定书未载明履行方式和期限", "逐卷补正文书，统一使用市级文书范本，建立文书送达前法制审核制度", "黄志强", "2025年4月11日（20个工作日）"},
	{"部分案件调查询问笔录未由两名以上执法人员签名", "组织执法人员专题培训，落实执法人员持证上岗和两人以上执法要求", "黄志强", "2025年4月11日（20个工作日）"},
	{"涉企行政检查未提前制定年度检查计划，存在重复检查", "制定年度涉企检查计划并向社会公布，推行“综合查一次”", "陈建华", "2025年4月25日（30个工作日）"},
	{"罚款收缴未严格执行罚缴分离制度", "全面清理现场收缴罚款情形，落实罚缴分离", "陈建华", "2025年3月31日（12个工作日）"},
	{"行政执法公示信息更新不及时", "每月更新执法公示平台信息，明确专人负责", "林晓燕", "2025年4月11日（20个工作日）"},
	{"自由裁量基准未细化，同类案件处罚幅度差异较大", "对照市级裁量基准细化本镇适用标准，开展案卷交叉评查", "黄志强", "2025年5月30日（54个工作日）"},
	{"首违不罚清单未落实到具体案件", "梳理首违不罚适用情形，建立案件适用台账", "林晓燕", "2025年4月25日（30个工作日）"},
	{"执法全过程记录设备配备不足，记录不完整", "补充配备执法记录仪，建立音像资料归档制度", "陈建华", "2025年5月30日（54个工作日）"},
	{"重大执法决定法制审核覆盖面不全", "制定重大执法决定法制审核目录清单，做到应审必审", "黄志强", "2025年4月25日（30个工作日）"},
	{"承接下放职权后监管力量不足，存在重放轻管", "调整充实执法队伍，建立下放事项监管台账和定期评估机制", "黄志强", "长期坚持，2025年6月30日前明确整改目标"},
	{"企业反映行政执法检查程序告知不充分", "规范检查前告知程序，向企业发放检查告知书", "林晓燕", "2025年4月11日（20个工作日）"},
	{"案卷归档不规范，卷内目录与实际材料不一致", "对2024年以来案卷逐卷整理，按规范重新归档", "陈建华", "2025年4月25日（30个工作日）"},
}

func problemTable(ps []problem) *document.Table {
	t := &document.Table{Columns: []document.Column{
		{Header: "序号", Width: 2.5, Center: true},
		{Header: "问题"},
		{Header: "整改要求"},
		{Header: "第一责任人", Width: 5, Center: true},
		{Header: "整改期限", Width: 7},
	}}
	for i, p := range ps {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), p.title, p.requirement, p.person, p.deadline})
	}
	return t
}

// rectificationNotice is a 整改通知书 to one unit, its twelve problems in
// an attached table (a long list).
func rectificationNotice() *document.Document {
	return &document.Document{
		IssuerMark: officeMark,
		Number:     "区依法治办〔2025〕3号",
		Title:      "关于杜阮镇综合行政执法“进驻式”监督\n发现问题的整改通知书",
		Addressees: []string{"杜阮镇人民政府"},
		Body: []document.Block{
			&document.Paragraph{Text: "2025年3月3日至7日，区委依法治区办进驻你镇开展综合行政执法“进驻式”监督，抽查执法案卷49卷，召开座谈会收集人大代表、企业代表、村（社区）代表反映的问题线索和意见建议12条，经核实形成问题清单。现将有关问题及整改要求通知如下。"},
			&document.Heading{Level: 1, Text: "主要问题"},
			&document.Paragraph{Text: "监督发现你镇在执法文书规范、涉企检查、罚缴分离、执法公示、裁量基准适用和承接下放职权监管等方面存在问题12项，具体见附件。"},
			&document.Heading{Level: 1, Text: "整改要求"},
			&document.Heading{Level: 2, Text: "压实整改责任。", Body: "镇主要负责人为整改第一责任人，对照问题清单逐项制定整改措施，明确责任人和完成时限。"},
			&document.Heading{Level: 2, Text: "按期完成整改。", Body: "整改期限按工作日计算，自收到本通知书次日起算；需要长期坚持的事项，明确整改目标，落实整改措施。"},
			&document.Heading{Level: 2, Text: "巩固整改成效。", Body: "区委依法治区办将对已完成的整改事项适时组织“回头看”，整改结果纳入年度法治建设考评。"},
			&document.Heading{Level: 1, Text: "反馈方式"},
			&document.Paragraph{Text: "请于每项整改期限届满前，在建言系统“我的整改”中逐项报告整改进展并上传佐证材料；全部整改完成后10个工作日内，将整改情况书面报告区委依法治区办。"},
			&document.Paragraph{Text: "特此通知。"},
		},
		Attachments: []document.Attachment{{Title: "杜阮镇综合行政执法“进驻式”监督问题整改清单", Body: []document.Block{problemTable(duruanProblems)}}},
		Signature:   office,
		Date:        time.Date(2025, 3, 14, 10, 0, 0, 0, shanghai),
		Note:        contactNote,
	}
}

// feedbackOpinion is a 反馈意见书 after a supervision, its problems in the
// body (a short list).
func feedbackOpinion() *document.Document {
	body := []document.Block{
		&document.Paragraph{Text: "根据区委依法治区办2025年法治督察工作安排，督察组于2025年2月18日对你局开展涉企乱罚款问题专项督察，通过实地走访、查阅资料、个别访谈等方式，发现问题4项。现反馈如下。"},
		&document.Heading{Level: 1, Text: "发现的问题"},
	}
	for _, p := range duruanProblems[:4] {
		body = append(body, &document.Heading{Level: 2, Text: p.title + "。",
			Body: "整改要求：" + p.requirement + "。第一责任人：" + p.person + "。整改期限：" + p.deadline + "。"})
	}
	body = append(body,
		&document.Heading{Level: 1, Text: "有关要求"},
		&document.Paragraph{Text: "请你局认真研究反馈意见，于收到本意见书之日起20个工作日内将整改方案报送区委依法治区办，整改完成后报送整改情况报告。"},
	)
	return &document.Document{
		IssuerMark: officeMark,
		Number:     "区依法治办〔2025〕8号",
		Title:      "关于区市场监督管理局涉企乱罚款问题专项督察的反馈意见书",
		Addressees: []string{"区市场监督管理局"},
		Body:       body,
		Signature:  office,
		Date:       time.Date(2025, 3, 4, 9, 0, 0, 0, shanghai),
		Note:       contactNote,
	}
}

// supervisionBulletin is a 督察通报 from a summary: intake, rectification,
// overdue units and the scorecard table.
func supervisionBulletin() *document.Document {
	return &document.Document{
		IssuerMark: officeMark,
		Number:     "区依法治办〔2025〕1号",
		Title:      "关于2025年第一季度法治督察发现问题整改情况的通报",
		Addressees: []string{"各镇人民政府、街道办事处", "区直各单位"},
		Body: []document.Block{
			&document.Paragraph{Text: "2025年1月1日至3月31日，区委依法治区办围绕涉企乱罚款和职权下放重放轻管问题专项整治，召开征求意见座谈会4场，对杜阮镇、环市街开展综合行政执法“进驻式”监督。现将有关情况通报如下。"},
			&document.Heading{Level: 1, Text: "意见建议收集情况"},
			&document.Paragraph{Text: "本季度共收到意见建议和问题线索30条，其中人大代表9条、政协委员6条、企业代表11条、村（社区）代表4条；已分拣30条，形成问题清单3份、问题20项。"},
			&document.Heading{Level: 1, Text: "问题整改情况"},
			&document.Paragraph{Text: "20项问题中，已整改并通过“回头看”8项，已整改待回头看5项，正在整改5项，长期坚持1项，逾期未整改1项，按期整改率为86.7%。"},
			&document.Heading{Level: 1, Text: "逾期未整改单位"},
			&document.Paragraph{Text: "环市街道办事处“罚款收缴未严格执行罚缴分离制度”问题，整改期限为2025年3月31日，截至通报之日仍未完成整改。"},
			&document.Heading{Level: 1, Text: "各单位整改情况"},
			&document.Table{Columns: []document.Column{
				{Header: "责任单位"},
				{Header: "交办问题", Width: 4, Center: true},
				{Header: "已整改", Width: 4, Center: true},
				{Header: "逾期", Width: 3, Center: true},
				{Header: "按期整改率", Width: 5, Center: true},
			}, Rows: [][]string{
				{"杜阮镇人民政府", "12", "8", "0", "100%"},
				{"环市街道办事处", "4", "2", "1", "66.7%"},
				{"区市场监督管理局", "2", "2", "0", "100%"},
				{"区城市管理和综合执法局", "2", "1", "0", "50.0%"},
			}},
			&document.Heading{Level: 1, Text: "下一步工作要求"},
			&document.Paragraph{Text: "各单位要对照问题清单抓好整改落实，逾期单位要于5个工作日内说明原因并报送整改计划。区委依法治区办将把整改情况纳入年度法治建设考评。"},
		},
		Signature: office,
		Date:      time.Date(2025, 4, 3, 9, 0, 0, 0, shanghai),
	}
}

// replyLetter is a 答复函 to one submitter: the reply and its grade, no
// contact details.
func replyLetter() *document.Document {
	return &document.Document{
		IssuerMark: officeMark,
		Number:     "区依法治办函〔2025〕12号",
		Title:      "关于对涉企行政检查频次问题意见建议的答复函",
		Addressees: []string{"梁代表"},
		Body: []document.Block{
			&document.Paragraph{Text: "您在2025年3月12日涉企乱罚款问题专项整治座谈会上提出的意见建议（回执号K7QM-3XPA-9RTD）收悉。经研究，现答复如下。"},
			&document.Paragraph{Text: "您反映部分部门对同一企业重复检查、检查频次过高的问题，我办已交区市场监督管理局会同有关部门办理。目前区市场监督管理局已制定2025年度涉企检查计划并向社会公布，推行“综合查一次”，同一企业同一年度内同一事项原则上只检查一次。"},
			&document.Paragraph{Text: "办理结果：A（已解决或已采纳）。"},
			&document.Paragraph{Text: "感谢您对法治建设工作的关心和支持。"},
		},
		Signature: office,
		Date:      time.Date(2025, 4, 8, 9, 0, 0, 0, shanghai),
		Note:      contactNote,
	}
}

var samples = []struct {
	name string
	doc  func() *document.Document
}{
	{"rectification_notice", rectificationNotice},
	{"feedback_opinion", feedbackOpinion},
	{"supervision_bulletin", supervisionBulletin},
	{"reply_letter", replyLetter},
}
