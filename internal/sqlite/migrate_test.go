package sqlite_test

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

func userVersion(tb testing.TB, path string) int {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		tb.Fatalf("user_version: %v", err)
	}
	return v
}

// TestMigrateVersion1File makes a file at schema version 1 (tables, no
// full-text index, no seeded triage list), fills it, and opens it with the
// current code, which must upgrade it in place and index what it holds.
func TestMigrateVersion1File(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	now := time.Date(2024, time.November, 5, 10, 0, 0, 0, feedback.Shanghai)
	sym := &feedback.Symposium{
		ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治企业座谈会",
		Campaign: "涉企乱罚款专项整治", Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now,
	}
	contents := []string{
		"部分行政执法人员现场检查时未出示执法证件,执法文书填写不规范。",
		"同一类违法行为,不同执法人员的罚款金额差别很大,建议公开裁量基准。",
		"镇街承接下放的事项后专业人员不足,存在重放轻管的问题。",
	}
	var old []*feedback.Suggestion

	v1, err := sqlite.Open(t.Context(), path, sqlite.WithSchemaVersion(1))
	if err != nil {
		t.Fatalf("open at version 1: %v", err)
	}
	if err := v1.CreateSymposium(t.Context(), sym); err != nil {
		t.Fatalf("create symposium: %v", err)
	}
	for i, c := range contents {
		at := now.Add(time.Duration(i+1) * time.Minute)
		s := &feedback.Suggestion{
			ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Kind: feedback.KindSuggestion,
			ParticipantKind: feedback.Enterprise, Topic: "座谈会意见", Content: c, Channel: feedback.ChannelQR,
			Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at,
		}
		old = append(old, s)
	}
	if err := v1.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	// The suggestions go in as version 1's code wrote them (today's code
	// writes columns version 1 did not have), the first one declined with a
	// reply as round one kept it: a text in data.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range old {
		data := map[string]any{"ID": s.ID, "Receipt": s.Receipt, "SymposiumID": s.SymposiumID, "Kind": s.Kind,
			"ParticipantKind": s.ParticipantKind, "Channel": s.Channel, "Status": s.Status,
			"SubmittedAt": s.SubmittedAt, "UpdatedAt": s.UpdatedAt}
		if i == 0 {
			s.Status = feedback.SuggestionDeclined
			data["Status"], data["Reply"] = s.Status, "该事项已由区市场监管局另行办理。"
		}
		raw, _ := json.Marshal(data)
		if _, err := db.Exec(`INSERT INTO suggestions (id, receipt, symposium_id, participant_kind, kind, status, channel,
			topic, content, submitted_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
			s.ID, s.Receipt, s.SymposiumID, s.ParticipantKind, s.Kind, s.Status, s.Channel, s.Topic, s.Content,
			s.SubmittedAt.UnixNano(), string(raw)); err != nil {
			t.Fatalf("insert a version-1 suggestion: %v", err)
		}
	}
	db.Close()
	if got := userVersion(t, path); got != 1 {
		t.Fatalf("user_version of the old file = %d, want 1", got)
	}

	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open old file with current code: %v", err)
	}
	defer st.Close()
	if got := userVersion(t, path); got != sqlite.SchemaVersion {
		t.Fatalf("user_version after upgrade = %d, want %d", got, sqlite.SchemaVersion)
	}
	if _, err := st.GetProblemList(t.Context(), feedback.TriageListID); err != nil {
		t.Fatalf("triage list after upgrade: %v", err)
	}
	for _, s := range old {
		got, err := st.GetSuggestionByReceipt(t.Context(), s.Receipt)
		if err != nil || got.Content != s.Content || got.Status != s.Status {
			t.Fatalf("old suggestion %s after upgrade: %v, %+v", s.Receipt, err, got)
		}
	}
	if r := mustLatestReply(t, st, old[0].Receipt); r.Text != "该事项已由区市场监管局另行办理。" || r.Grade != feedback.GradeD || !r.At.Equal(old[0].UpdatedAt) {
		t.Fatalf("the declined suggestion's reply after upgrade = %+v, want its text as a grade-D reply", r)
	}
	if page, err := st.ListSuggestions(t.Context(), feedback.SuggestionFilter{Unreplied: true}); err != nil || len(page.Items) != 2 {
		t.Fatalf("unreplied after upgrade: %d, %v; want the two not declined", len(page.Items), err)
	}
	// A new suggestion after the upgrade, indexed by the triggers.
	at := now.Add(time.Hour)
	fresh := &feedback.Suggestion{
		ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Kind: feedback.KindProblemLead,
		ParticipantKind: feedback.NPCDeputy, Content: "棠下镇综合行政执法存在以罚代管现象。", Channel: feedback.ChannelWeb,
		Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at,
	}
	if _, _, err := st.CreateSuggestion(t.Context(), fresh); err != nil {
		t.Fatalf("create after upgrade: %v", err)
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"行政执法", []string{fresh.ID, old[0].ID}},          // full-text index, backfilled and live
		{"执法", []string{fresh.ID, old[1].ID, old[0].ID}}, // two characters: instr fallback
		{"重放轻管", []string{old[2].ID}},
	} {
		page, err := st.ListSuggestions(t.Context(), feedback.SuggestionFilter{Query: tt.query})
		if err != nil {
			t.Fatalf("search %q: %v", tt.query, err)
		}
		var got []string
		for _, s := range page.Items {
			got = append(got, s.ID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("search %q after upgrade = %v, want %v", tt.query, got, tt.want)
		}
	}
}

// TestCursorFromAnotherFile checks that a cursor signed by one file's key is
// refused by another's.
func TestCursorFromAnotherFile(t *testing.T) {
	a, b := MustOpenDB(t), MustOpenDB(t)
	now := time.Date(2025, time.March, 10, 9, 0, 0, 0, feedback.Shanghai)
	for i := 0; i < 3; i++ {
		at := now.Add(time.Duration(i) * time.Minute)
		for _, st := range []*sqlite.Store{a, b} {
			sym := &feedback.Symposium{ID: feedback.NewID(at), Code: feedback.NewSymposiumCode(), Title: "座谈会",
				Status: feedback.SymposiumOpen, CreatedAt: at, UpdatedAt: at}
			if err := st.CreateSymposium(t.Context(), sym); err != nil {
				t.Fatal(err)
			}
		}
	}
	page, err := a.ListSymposia(t.Context(), feedback.SymposiumFilter{Limit: 1})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("list: %v, cursor %q", err, page.NextCursor)
	}
	_, err = b.ListSymposia(t.Context(), feedback.SymposiumFilter{Limit: 1, Cursor: page.NextCursor})
	if got := feedback.ErrorCode(err); got != feedback.EInvalid {
		t.Fatalf("foreign cursor: code %q (%v), want %q", got, err, feedback.EInvalid)
	}
	// And a cursor for one filter is refused for another.
	_, err = a.ListSymposia(t.Context(), feedback.SymposiumFilter{Limit: 1, Cursor: page.NextCursor, Status: feedback.SymposiumClosed})
	if got := feedback.ErrorCode(err); got != feedback.EInvalid {
		t.Fatalf("cursor with another filter: code %q (%v), want %q", got, err, feedback.EInvalid)
	}
}

func mustLatestReply(tb testing.TB, st *sqlite.Store, receipt string) feedback.Reply {
	tb.Helper()
	sg, err := st.GetSuggestionByReceipt(tb.Context(), receipt)
	if err != nil {
		tb.Fatal(err)
	}
	r := sg.LatestReply()
	if r == nil {
		tb.Fatalf("suggestion %s has no reply", receipt)
	}
	return *r
}

// TestMigrateExtensionPending opens a file written before the
// extension-pending column (schema version 11) holding a problem whose
// extension request waits and one without: the upgrade marks the first
// from its stored JSON, so 延期待审批 lists it, and a decision clears it.
func TestMigrateExtensionPending(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v11.db")
	old, err := sqlite.Open(t.Context(), path, sqlite.WithSchemaVersion(11))
	if err != nil {
		t.Fatalf("open at version 11: %v", err)
	}
	if err := old.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	now := time.Date(2025, time.March, 3, 9, 0, 0, 0, feedback.Shanghai)
	listID := feedback.NewID(now)
	var problems []*feedback.Problem
	for i, title := range []string{"门前三包罚款标准不一", "执法文书不规范"} {
		at := now.Add(time.Duration(i+1) * time.Minute)
		p := &feedback.Problem{ID: feedback.NewID(at), ProblemListID: listID, Title: title, ResponsibleUnit: "区市场监管局",
			Status: feedback.ProblemRectifying, Deadline: "2025-04-30", CreatedAt: at, UpdatedAt: at, Version: 1}
		if i == 0 {
			p.PendingExtensionID = feedback.NewID(at)
		}
		problems = append(problems, p)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := json.Marshal(&feedback.ProblemList{ID: listID, Title: "涉企乱罚款问题清单", CreatedAt: now, UpdatedAt: now, Version: 1})
	if _, err := db.Exec(`INSERT INTO problem_lists (id, created_at, version, data) VALUES (?, ?, 1, ?)`, listID, now.UnixNano(), string(list)); err != nil {
		t.Fatalf("insert a version-11 problem list: %v", err)
	}
	for _, p := range problems {
		raw, _ := json.Marshal(p)
		if _, err := db.Exec(`INSERT INTO problems (id, problem_list_id, unit, status, deadline, supervised, created_at, version, data)
			VALUES (?, ?, ?, ?, ?, 0, ?, 1, ?)`, p.ID, p.ProblemListID, p.ResponsibleUnit, p.Status, p.Deadline, p.CreatedAt.UnixNano(), string(raw)); err != nil {
			t.Fatalf("insert a version-11 problem: %v", err)
		}
	}
	db.Close()

	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open with current code: %v", err)
	}
	defer st.Close()
	pending := func() []string {
		t.Helper()
		page, err := st.ListProblems(t.Context(), feedback.ProblemFilter{ExtensionPending: true})
		if err != nil {
			t.Fatalf("list pending: %v", err)
		}
		var ids []string
		for _, p := range page.Items {
			ids = append(ids, p.ID)
		}
		return ids
	}
	if got := pending(); len(got) != 1 || got[0] != problems[0].ID {
		t.Fatalf("pending after the upgrade = %v, want only %s", got, problems[0].ID)
	}
	p, err := st.GetProblem(t.Context(), problems[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	p.PendingExtensionID = ""
	if err := st.UpdateProblem(t.Context(), feedback.ProblemWrite{Problem: p}); err != nil {
		t.Fatalf("clear the request: %v", err)
	}
	if got := pending(); len(got) != 0 {
		t.Fatalf("pending after the decision = %v, want none", got)
	}
}
