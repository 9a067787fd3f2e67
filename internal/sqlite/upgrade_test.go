package sqlite_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// round1 is testdata/round1/round1.json: what round one's release (commit
// cf7dd9d) wrote into testdata/round1/round1.db (testdata/round1/main.go
// made both).
type round1 struct {
	SchemaVersion int `json:"schema_version"`
	Symposia      []struct{ ID, Code, Title, Campaign, Status string }
	Suggestions   []struct {
		ID, Receipt, SymposiumID, ParticipantKind, Kind, Channel, Status string
		Name, Organization, Contact, Topic, Content                      string
		ProblemListID, ProblemID, Reply                                  string
		SubmittedAt                                                      time.Time
	}
	ProblemLists []struct {
		ID, Title string
		Triage    bool
	}
	Problems []struct {
		ID, ProblemListID, Title, ResponsibleUnit, Status, Deadline string
		SuggestionIDs                                               []string
		Events                                                      int
	}
	Summaries []string
	Accounts  []struct{ ID, Name, Role, Unit, Token string }
	RuleSet   struct {
		Version int64
		Names   []string
	} `json:"rule_set"`
	Rows map[string]int
}

// copyRound1 copies round one's file into a new folder and returns its
// path and what it holds.
func copyRound1(tb testing.TB) (string, round1) {
	tb.Helper()
	var exp round1
	raw, err := os.ReadFile(filepath.Join("testdata", "round1", "round1.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		tb.Fatalf("round1.json: %v", err)
	}
	db, err := os.ReadFile(filepath.Join("testdata", "round1", "round1.db"))
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "jianyan.db")
	if err := os.WriteFile(path, db, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path, exp
}

// rawDB opens a file with no store in between.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func rowCounts(tb testing.TB, path string, tables []string) map[string]int {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	got := map[string]int{}
	for _, table := range tables {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			tb.Fatalf("count %s: %v", table, err)
		}
		got[table] = n
	}
	return got
}

// TestUpgradeRoundOneFile opens a file written by round one's release with
// the current code: it must be copied aside, upgraded in place to the
// current schema, and keep every row and what each row says.
func TestUpgradeRoundOneFile(t *testing.T) {
	path, exp := copyRound1(t)
	var tables []string
	for table := range exp.Rows {
		tables = append(tables, table)
	}
	slices.Sort(tables)
	if got := userVersion(t, path); got != exp.SchemaVersion || got != 5 {
		t.Fatalf("round one's file has schema version %d, want 5 (manifest %d)", got, exp.SchemaVersion)
	}
	for table, n := range rowCounts(t, path, tables) {
		if n != exp.Rows[table] {
			t.Fatalf("round one's file: %d rows in %s, manifest says %d", n, table, exp.Rows[table])
		}
	}

	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open round one's file: %v", err)
	}
	up := st.Upgraded()
	if up == nil || up.From != 5 || up.To != sqlite.SchemaVersion {
		t.Fatalf("Upgraded() = %+v, want from 5 to %d", up, sqlite.SchemaVersion)
	}
	if want := path + ".upgrade-from-v5.bak"; up.Backup != want {
		t.Errorf("copy before the upgrade at %s, want %s", up.Backup, want)
	}
	if info, err := sqlite.CheckFile(t.Context(), up.Backup); err != nil || info.SchemaVersion != 5 {
		t.Errorf("the copy before the upgrade: %+v, %v; want a sound file at version 5", info, err)
	}
	if got := userVersion(t, path); got != sqlite.SchemaVersion {
		t.Errorf("schema version after the upgrade = %d, want %d", got, sqlite.SchemaVersion)
	}
	ctx := t.Context()

	for _, want := range exp.Symposia {
		got, err := st.GetSymposium(ctx, want.ID)
		if err != nil {
			t.Errorf("symposium %s: %v", want.Title, err)
			continue
		}
		if got.Code != want.Code || got.Title != want.Title || got.Campaign != want.Campaign || string(got.Status) != want.Status {
			t.Errorf("symposium after the upgrade = %s %q %q %s, want %s %q %q %s", got.Code, got.Title, got.Campaign, got.Status,
				want.Code, want.Title, want.Campaign, want.Status)
		}
		if byCode, err := st.GetSymposiumByCode(ctx, want.Code); err != nil || byCode.ID != want.ID {
			t.Errorf("symposium by code %s: %v", want.Code, err)
		}
	}
	for _, want := range exp.Suggestions {
		got, err := st.GetSuggestionByReceipt(ctx, want.Receipt)
		if err != nil {
			t.Errorf("suggestion %s: %v", want.Receipt, err)
			continue
		}
		// Round one's one reply text (a decline's reason) is a grade-D
		// reply now.
		reply, grade := "", feedback.Grade("")
		if r := got.LatestReply(); r != nil {
			reply, grade = r.Text, r.Grade
		}
		if want.Reply != "" && (len(got.Replies) != 1 || grade != feedback.GradeD || got.ReplyState() != feedback.ReplyGiven) {
			t.Errorf("suggestion %s: replies %+v after the upgrade, want one grade-D reply", want.Receipt, got.Replies)
		}
		for _, f := range []struct{ name, got, want string }{
			{"id", got.ID, want.ID}, {"symposium", got.SymposiumID, want.SymposiumID},
			{"participant kind", string(got.ParticipantKind), want.ParticipantKind}, {"kind", string(got.Kind), want.Kind},
			{"channel", string(got.Channel), want.Channel}, {"status", string(got.Status), want.Status},
			{"name", got.Name, want.Name}, {"organization", got.Organization, want.Organization}, {"contact", got.Contact, want.Contact},
			{"topic", got.Topic, want.Topic}, {"content", got.Content, want.Content},
			{"problem list", got.ProblemListID, want.ProblemListID}, {"problem", got.ProblemID, want.ProblemID},
			{"reply", reply, want.Reply},
		} {
			if f.got != f.want {
				t.Errorf("suggestion %s: %s = %q after the upgrade, want %q", want.Receipt, f.name, f.got, f.want)
			}
		}
		if !got.SubmittedAt.Equal(want.SubmittedAt) {
			t.Errorf("suggestion %s: submitted at %s, want %s", want.Receipt, got.SubmittedAt, want.SubmittedAt)
		}
	}
	for _, want := range exp.ProblemLists {
		got, err := st.GetProblemList(ctx, want.ID)
		if err != nil || got.Title != want.Title || got.Triage != want.Triage {
			t.Errorf("problem list %s: %+v, %v", want.Title, got, err)
		}
	}
	for _, want := range exp.Problems {
		got, err := st.GetProblem(ctx, want.ID)
		if err != nil {
			t.Errorf("problem %s: %v", want.Title, err)
			continue
		}
		if got.ProblemListID != want.ProblemListID || got.Title != want.Title || got.ResponsibleUnit != want.ResponsibleUnit ||
			string(got.Status) != want.Status || string(got.Deadline) != want.Deadline || !slices.Equal(got.SuggestionIDs, want.SuggestionIDs) {
			t.Errorf("problem after the upgrade = %+v, want %+v", got, want)
		}
		evs, err := st.ListAuditEvents(ctx, want.ID, feedback.MaxListLimit, "")
		if err != nil || len(evs.Items) != want.Events {
			t.Errorf("problem %s: %d history events (%v), want %d", want.Title, len(evs.Items), err, want.Events)
		}
	}
	for _, id := range exp.Summaries {
		if _, err := st.GetSummary(ctx, id); err != nil {
			t.Errorf("summary %s: %v", id, err)
		}
	}
	for _, want := range exp.Accounts {
		got, err := st.GetAccountByTokenHash(ctx, feedback.HashToken(want.Token))
		if err != nil || got.ID != want.ID || string(got.Role) != want.Role || got.Unit != want.Unit {
			t.Errorf("account %s signs in with its old token: %+v, %v", want.Name, got, err)
		}
	}
	rs, err := st.GetRuleSet(ctx)
	if err != nil {
		t.Fatalf("rule set: %v", err)
	}
	var names []string
	for _, r := range rs.Rules {
		names = append(names, r.Name)
	}
	if rs.Version != exp.RuleSet.Version || !slices.Equal(names, exp.RuleSet.Names) {
		t.Errorf("rules after the upgrade: version %d %v, want %d %v", rs.Version, names, exp.RuleSet.Version, exp.RuleSet.Names)
	}
	// Search reads the full-text index round one built.
	var want []string
	for _, s := range exp.Suggestions {
		if strings.Contains(s.Topic+"\n"+s.Content, "执法人员") {
			want = append(want, s.ID)
		}
	}
	page, err := st.ListSuggestions(ctx, feedback.SuggestionFilter{Query: "执法人员", Limit: feedback.MaxListLimit})
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	var got []string
	for _, s := range page.Items {
		got = append(got, s.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) < 2 || !slices.Equal(got, want) {
		t.Errorf("search 执法人员 after the upgrade = %v, want %v", got, want)
	}
	// The upgraded file takes new writes.
	now := time.Date(2025, time.April, 1, 10, 0, 0, 0, feedback.Shanghai)
	fresh := &feedback.Suggestion{ID: feedback.NewID(now), Receipt: feedback.NewReceipt(), SymposiumID: exp.Symposia[0].ID,
		Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise, Content: "升级后提交的意见。", Channel: feedback.ChannelQR,
		Status: feedback.SuggestionReceived, SubmittedAt: now, UpdatedAt: now}
	if _, _, err := st.CreateSuggestion(ctx, fresh); err != nil {
		t.Fatalf("write after the upgrade: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	counts := rowCounts(t, path, tables)
	for _, table := range tables {
		want := exp.Rows[table]
		if table == "suggestions" {
			want++
		}
		if counts[table] < want {
			t.Errorf("%s has %d rows after the upgrade, want at least %d (round one's %d)", table, counts[table], want, exp.Rows[table])
		}
	}
	if info, err := sqlite.CheckFile(ctx, path); err != nil {
		t.Errorf("the upgraded file: %+v, %v", info, err)
	}
	again, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer again.Close()
	if up := again.Upgraded(); up != nil {
		t.Errorf("reopening a current file: Upgraded() = %+v, want nil", up)
	}
}

func fileSum(tb testing.TB, path string) [32]byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestRefuseNewerFile opens a file whose schema is newer than this
// program's, in WAL and in rollback-journal mode: Open must refuse it with
// a message that says so, and leave every byte of it as it was (the
// writer's WAL pragma alone would have rewritten a rollback-mode file's
// header).
func TestRefuseNewerFile(t *testing.T) {
	for _, mode := range []string{"WAL", "DELETE"} {
		t.Run(mode, func(t *testing.T) {
			path, _ := copyRound1(t)
			st, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			db := rawDB(t, path)
			newer := sqlite.SchemaVersion + 1
			for _, q := range []string{"PRAGMA user_version = " + strconv.Itoa(newer), "CREATE TABLE from_the_future (x)",
				"PRAGMA journal_mode = " + mode} {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db.Close()
			for _, suffix := range []string{"-wal", "-shm"} {
				if _, err := os.Stat(path + suffix); err == nil {
					t.Fatalf("%s%s left behind", path, suffix)
				}
			}
			before := fileSum(t, path)

			_, err = sqlite.Open(t.Context(), path)
			if !errors.Is(err, sqlite.ErrNewerSchema) {
				t.Fatalf("open a version-%d file: err = %v, want ErrNewerSchema", newer, err)
			}
			for _, want := range []string{"更新版本", strconv.Itoa(newer), strconv.Itoa(sqlite.SchemaVersion), "没有改动"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if after := fileSum(t, path); after != before {
				t.Errorf("the newer file changed when it was refused")
			}
			if _, err := os.Stat(path + ".upgrade-from-v" + strconv.Itoa(newer) + ".bak"); err == nil {
				t.Errorf("a newer file was copied for an upgrade")
			}
			var got string
			if err := rawDB(t, path).QueryRow("PRAGMA journal_mode").Scan(&got); err != nil || !strings.EqualFold(got, mode) {
				t.Errorf("journal mode after the refusal = %q (%v), want %s", got, err, mode)
			}
		})
	}
}

// TestRefuseForeignFile checks that files that are not Jianyan's are
// refused unchanged rather than filled with Jianyan's tables.
func TestRefuseForeignFile(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	db := rawDB(t, other)
	if _, err := db.Exec("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	text := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(text, []byte("这不是数据库,是一份会议记录。"+strings.Repeat("。", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{other, text} {
		before := fileSum(t, path)
		_, err := sqlite.Open(t.Context(), path)
		if !errors.Is(err, sqlite.ErrNotJianyan) {
			t.Errorf("open %s: err = %v, want ErrNotJianyan", filepath.Base(path), err)
		}
		if fileSum(t, path) != before {
			t.Errorf("%s changed when it was refused", filepath.Base(path))
		}
	}
}
