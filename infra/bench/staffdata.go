package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// The staff data set: what a district office has after a few years of
// symposia, generated the same way each run (a fixed seed).
const (
	staffSymposia = 40
	staffLists    = 20
	staffMonths   = 24
	// commonTerm is in about 30% of the suggestions; rareTerm in exactly
	// rareCount, spread evenly over the whole time range, so that a page
	// of them has to look through nearly everything stored.
	commonTerm = "行政检查"
	rareTerm   = "电动自行车"
	rareCount  = 25
	// staffPage is the page size of the console's suggestion list.
	staffPage = 20
)

// staffEnd is just after the newest stored suggestion.
var staffEnd = time.Date(2026, 11, 30, 18, 0, 0, 0, feedback.Shanghai)

type staffData struct {
	symposia    []*feedback.Symposium
	lists       []*feedback.ProblemList
	suggestions []*feedback.Suggestion // oldest first
	months      []string               // newest first, as "2006-01"
	// exportSymposium holds the rows the XLSX export reads.
	exportSymposium *feedback.Symposium
	// pageSymposium is a mid-aged symposium for the filtered page.
	pageSymposium *feedback.Symposium
	rareMatches   int
}

var (
	staffTopics = []string{"涉企行政检查", "行政处罚裁量", "综合行政执法", "职权下放", "营商环境", "政务服务", "市容管理",
		"交通安全", "食品安全", "安全生产", "环境保护", "城乡建设", "社会治安", "基层治理", "法治宣传"}
	staffPhrases = []string{
		"建议对涉企执法实行“综合查一次”，减少多头检查、重复检查。",
		"部分执法人员对小微企业门前三包问题直接罚款，没有先行教育提醒。",
		"建议推行首违不罚清单，对轻微违法行为依法不予行政处罚。",
		"镇街承接下放的审批事项后专业人员不足，存在重放轻管的问题。",
		"下放事项的事中事后监管责任不清，部门与镇街之间相互推诿。",
		"希望公开行政处罚裁量基准，统一同类案件的处罚尺度。",
		"建议畅通企业投诉渠道，对投诉办理情况及时反馈。",
		"执法文书送达不规范，当事人不清楚申辩和听证的权利。",
		"部分罚没收入与部门考核挂钩，容易出现以罚代管。",
		"建议加强执法人员培训，提升文明执法水平。",
		"社区网格员反映占道经营反复出现，治理效果不稳定。",
		"希望政务服务事项进一步压减材料，推行免证办、就近办。",
		"村（社区）法律顾问作用发挥不够，群众不知道如何联系。",
		"建议对新业态企业实行包容审慎监管，给予整改期限。",
		"夜间施工噪声扰民问题多次反映，尚未得到有效处理。",
		"部分窗口单位办事指南与实际要求不一致，群众多次往返。",
	}
	commonPhrase = "涉企" + commonTerm + "过多过频，企业反映负担较重，建议制定年度检查计划并对外公开。"
	rarePhrase   = "小区" + rareTerm + "集中充电存在消防隐患，建议增设充电设施并明确管理责任。"
	staffKinds   = []struct {
		k feedback.ParticipantKind
		w int
	}{{feedback.NPCDeputy, 15}, {feedback.CPPCCMember, 10}, {feedback.Enterprise, 40}, {feedback.Community, 20}, {feedback.Public, 15}}
	staffNames = []string{"李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"}
	staffOrgs  = []string{"某某机械制造有限公司", "荷塘镇禾冈村委会", "区人大代表联络站", "棠下镇商会", "白沙街道某社区居委会"}
)

// newStaffData generates n suggestions over staffMonths months ending at
// staffEnd, in staffSymposia symposia; the first symposium holds
// exportRows of them (or all, when n is smaller).
func newStaffData(n, exportRows int) *staffData {
	rng := rand.New(rand.NewPCG(18, 2026))
	d := &staffData{}
	start := staffEnd.AddDate(0, -staffMonths, 0)
	for i := range staffSymposia {
		at := start.Add(time.Duration(i) * staffEnd.Sub(start) / staffSymposia)
		d.symposia = append(d.symposia, &feedback.Symposium{
			ID: feedback.NewID(at), Code: feedback.NewSymposiumCode(), Title: fmt.Sprintf("第%d次法治建设意见征集座谈会", i+1),
			Campaign: "涉企乱罚款专项整治", HostUnit: "区司法局", Venue: "区行政服务中心会议室", Status: feedback.SymposiumClosed,
			CreatedAt: at, UpdatedAt: at, Version: 1,
		})
	}
	for i := range staffLists {
		at := start.Add(time.Duration(i) * time.Hour)
		d.lists = append(d.lists, &feedback.ProblemList{ID: feedback.NewID(at), Title: fmt.Sprintf("第%d批问题清单", i+1),
			Campaign: "涉企乱罚款专项整治", OwnerUnit: "区司法局", CreatedAt: at, UpdatedAt: at, Version: 1})
	}
	d.exportSymposium = d.symposia[0]
	d.pageSymposium = d.symposia[staffSymposia/2]
	exportRows = min(exportRows, n)
	rest := n - exportRows
	step := staffEnd.Sub(start) / time.Duration(n+1)
	rareEvery := max(n/rareCount, 1)
	exportEvery := max(n/max(exportRows, 1), 1)
	exported := 0
	for i := range n {
		at := start.Add(time.Duration(i+1) * step).Add(time.Duration(rng.Int64N(int64(step / 2))))
		// The export's symposium takes every n/exportRows-th suggestion;
		// the others take consecutive blocks of the rest, as symposia
		// follow one another.
		var sym *feedback.Symposium
		if exported < exportRows && (rest == 0 || i%exportEvery == 0) {
			sym = d.exportSymposium
			exported++
		} else {
			block := (i * (staffSymposia - 1)) / max(n, 1)
			sym = d.symposia[1+block]
		}
		var content strings.Builder
		if rng.IntN(100) < 30 {
			content.WriteString(commonPhrase)
		}
		if i%rareEvery == rareEvery/2 && d.rareMatches < rareCount {
			content.WriteString(rarePhrase)
			d.rareMatches++
		}
		for content.Len() < 300 {
			content.WriteString(staffPhrases[rng.IntN(len(staffPhrases))])
		}
		w := rng.IntN(100)
		var pk feedback.ParticipantKind
		for _, k := range staffKinds {
			if w < k.w {
				pk = k.k
				break
			}
			w -= k.w
		}
		sg := &feedback.Suggestion{
			ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Campaign: sym.Campaign,
			Kind: feedback.KindSuggestion, ParticipantKind: pk, Topic: staffTopics[rng.IntN(len(staffTopics))],
			Content: content.String(), Channel: feedback.ChannelQR, Status: feedback.SuggestionRouted,
			IdempotencyKey: fmt.Sprintf("bench-%d", i), SubmittedAt: at, UpdatedAt: at.Add(2 * time.Second), Version: 1,
		}
		if rng.IntN(100) < 30 {
			sg.Kind = feedback.KindProblemLead
		}
		switch c := rng.IntN(100); {
		case c < 25:
			sg.Channel = feedback.ChannelWeb
		case c < 29:
			sg.Channel, sg.IdempotencyKey = feedback.ChannelStaffEntry, ""
		case c < 30:
			sg.Channel, sg.IdempotencyKey = feedback.ChannelImport, ""
		}
		if rng.IntN(100) < 60 {
			sg.Name, sg.Organization = staffNames[rng.IntN(len(staffNames))], staffOrgs[rng.IntN(len(staffOrgs))]
			sg.Contact = fmt.Sprintf("138%08d", rng.IntN(100_000_000))
		}
		switch c := rng.IntN(100); {
		case i >= n-n/200: // the newest 0.5% wait for routing
			sg.Status = feedback.SuggestionReceived
		case c < 25:
			sg.ProblemListID = feedback.TriageListID
		case c < 35:
			sg.Status, sg.ProblemListID = feedback.SuggestionDeclined, feedback.TriageListID
			sg.Replies = []feedback.Reply{{Text: "经核实，该问题已在其他渠道办理，感谢您的意见。", Grade: feedback.GradeD, At: at.AddDate(0, 0, 3), By: "区司法局"}}
		default:
			sg.ProblemListID, sg.RuleName = d.lists[rng.IntN(len(d.lists))].ID, "关键词分拣"
		}
		d.suggestions = append(d.suggestions, sg)
	}
	first := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, feedback.Shanghai)
	for m := time.Date(staffEnd.Year(), staffEnd.Month(), 1, 0, 0, 0, 0, feedback.Shanghai); !m.Before(first); m = m.AddDate(0, -1, 0) {
		d.months = append(d.months, m.Format("2006-01"))
	}
	return d
}

// staffStore is what loading needs of a store.
type staffStore interface {
	CreateSymposium(ctx context.Context, s *feedback.Symposium) error
	CreateProblemList(ctx context.Context, l *feedback.ProblemList) error
	CreateSuggestion(ctx context.Context, s *feedback.Suggestion) (*feedback.Suggestion, bool, error)
}

// loadSQLite stores the data set in a new file at path through the
// store's own writes, one after another in time order as submissions
// arrive (so the rows' insertion order is their time order, as in a real
// file). It loads with synchronous=NORMAL, which skips the flush of each
// commit; the reads reopen the file with the defaults.
func loadSQLite(ctx context.Context, path string, d *staffData) error {
	st, err := sqlite.Open(ctx, path, sqlite.WithSynchronous(sqlite.SyncNormal))
	if err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	defer st.Close()
	if err := loadMeta(ctx, st, d); err != nil {
		return err
	}
	for _, sg := range d.suggestions {
		c := *sg
		if _, _, err := st.CreateSuggestion(ctx, &c); err != nil {
			return fmt.Errorf("store suggestion %s: %w", sg.ID, err)
		}
	}
	return st.Close()
}

func loadMeta(ctx context.Context, st staffStore, d *staffData) error {
	for _, s := range d.symposia {
		c := *s
		if err := st.CreateSymposium(ctx, &c); err != nil {
			return fmt.Errorf("store symposium: %w", err)
		}
	}
	for _, l := range d.lists {
		c := *l
		if err := st.CreateProblemList(ctx, &c); err != nil {
			return fmt.Errorf("store problem list: %w", err)
		}
	}
	return nil
}

// createReadTable creates a table from template.yaml's definition without
// its stream: the staff reads do not need one, and moto keeps every stream
// record of 100,000 writes in memory.
func createReadTable(ctx context.Context, client *dynamodb.Client, def *dynamodb.CreateTableInput, prefix string) (string, func(), error) {
	in := *def
	name := prefix + fmt.Sprintf("%08x", rand.Uint32())
	in.TableName = aws.String(name)
	in.StreamSpecification = nil
	in.BillingMode = types.BillingModePayPerRequest
	in.ProvisionedThroughput = nil
	in.DeletionProtectionEnabled = nil
	if _, err := client.CreateTable(ctx, &in); err != nil {
		return "", nil, fmt.Errorf("create table %s: %w", name, err)
	}
	return name, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	}, nil
}

// loadDynamo stores the data set with BatchWriteItem, the suggestion items
// exactly as the store writes them (dynamo.BulkItems), symposia and lists
// through the store.
func loadDynamo(ctx context.Context, client *dynamodb.Client, table string, d *staffData) error {
	if err := loadMeta(ctx, dynamo.New(client, table), d); err != nil {
		return err
	}
	items, err := dynamo.BulkItems(d.suggestions)
	if err != nil {
		return err
	}
	jobs := make(chan []map[string]types.AttributeValue)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				if err := batchWrite(ctx, client, table, batch); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
send:
	for i := 0; i < len(items); i += 25 {
		select {
		case jobs <- items[i:min(i+25, len(items))]:
		case err = <-errs:
			break send
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

func batchWrite(ctx context.Context, client *dynamodb.Client, table string, items []map[string]types.AttributeValue) error {
	reqs := make([]types.WriteRequest, len(items))
	for i, it := range items {
		reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
	}
	for attempt := 0; len(reqs) > 0; attempt++ {
		out, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
		if err != nil {
			return fmt.Errorf("batch write: %w", err)
		}
		reqs = out.UnprocessedItems[table]
		if attempt == 10 && len(reqs) > 0 {
			return fmt.Errorf("batch write: %d items still unprocessed", len(reqs))
		}
	}
	return nil
}
