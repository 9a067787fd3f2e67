package feedback

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// MaxImportRows bounds one import file: a year of an office's paper forms
// fits many times over, and the whole file is validated before anything is
// stored.
const MaxImportRows = 2000

// ImportRow is one data row of an imported file. Row is its number in the
// file as a spreadsheet shows it (the header is row 1), used in errors and
// in the row's idempotency key. Input's kinds may be what the paper form's
// spreadsheet says: a code, its Chinese label or a common synonym
// (importKinds).
type ImportRow struct {
	Row   int
	Input SubmissionInput
	// WrittenOn is the row's 书写日期 cell as written (2025-03-12,
	// 2025/3/12, 2025年3月12日: ParseLooseDate); it sets Input.WrittenOn.
	WrittenOn string
}

// ImportExample is the example row of the import template. An import
// refuses a row with its content, so a template sent back with the example
// left in does not store a made-up suggestion.
var ImportExample = SubmissionInput{
	ParticipantKind: Community, Kind: KindSuggestion, Name: "张三", Organization: "某某街道某某社区居委会",
	Contact: "13812345678", Topic: "交通出行", Content: "建议在社区出入口增设非机动车停放点,缓解电动车乱停乱放。",
}

// RowError is what is wrong with one row of an import.
type RowError struct {
	Row     int
	Field   string
	Message string
}

// ImportError reports every invalid row of an import; nothing was stored.
// It unwraps to an EInvalid *Error, so ErrorCode sees "invalid".
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import: %d invalid rows", len(e.Rows))
	for i, r := range e.Rows {
		if i == 5 {
			b.WriteString("; …")
			break
		}
		fmt.Fprintf(&b, "; row %d %s: %s", r.Row, r.Field, r.Message)
	}
	return b.String()
}

// Unwrap gives the domain error the HTTP layer maps to a status.
func (e *ImportError) Unwrap() error {
	return &Error{Code: EInvalid, Field: "rows",
		Message: fmt.Sprintf("%d 行有错误,未导入任何记录", len(e.Rows))}
}

// ImportResult says what an import stored.
type ImportResult struct {
	Created     int // rows stored now
	Duplicates  int // rows already stored by an earlier import of the same file
	Suggestions []*Suggestion
}

// ImportPreview is what an import would store, computed without storing
// anything: every row as it would be stored (kinds read, text cleaned, the
// written date parsed), which of them an earlier import of the same file
// already stored, and every row's error. Token names exactly this file for
// this symposium: Import with it stores what the preview showed, or
// refuses when the file sent differs.
type ImportPreview struct {
	Token      string
	Rows       []ImportPreviewRow
	Errors     []RowError
	New        int // rows Import would store
	Duplicates int // rows stored by an earlier import of the same file
}

// ImportPreviewRow is one valid row of a preview: the suggestion as it
// would be stored (not stored: its ID and receipt are drawn anew on
// import) and whether an earlier import stored it already.
type ImportPreviewRow struct {
	Row        int
	Suggestion *Suggestion
	Duplicate  bool
}

// importPlan is a validated import: the suggestions to store, the rows'
// errors and the keys earlier imports used.
type importPlan struct {
	token string
	rows  []ImportPreviewRow
	bad   []RowError
}

// PreviewImport checks an import like Import and stores nothing. Invalid
// rows are listed in the preview's Errors (not an error); errors of the
// request itself (no rows, too many, an unknown symposium) are returned.
func (s *Service) PreviewImport(ctx context.Context, id Identity, symposiumID string, rows []ImportRow) (*ImportPreview, error) {
	plan, err := s.planImport(ctx, id, symposiumID, rows)
	if err != nil {
		return nil, err
	}
	p := &ImportPreview{Token: plan.token, Rows: plan.rows, Errors: plan.bad}
	for _, r := range plan.rows {
		if r.Duplicate {
			p.Duplicates++
		} else {
			p.New++
		}
	}
	return p, nil
}

// Import stores paper suggestions for a symposium (channel import). Every
// row is validated first; if any is invalid, nothing is stored and the
// error is an *ImportError listing each bad row. Each row's idempotency key
// is derived from a digest of all the rows and the row's number, so
// importing the same file again stores nothing new — also after the 24-hour
// idempotency window, because keys already used by earlier imports into the
// symposium are looked up first. The digest is over the parsed rows, so the
// same data saved as CSV or as XLSX counts as the same file.
//
// previewToken, when set, is the Token of the PreviewImport the person
// confirmed: a file that differs from the previewed one (or a preview for
// another symposium) is EConflict and nothing is stored.
//
// Rows are stored one by one; if storage fails midway the rows stored so far
// stay, and importing the file again completes it without duplicates.
func (s *Service) Import(ctx context.Context, id Identity, symposiumID string, rows []ImportRow, previewToken string) (*ImportResult, error) {
	plan, err := s.planImport(ctx, id, symposiumID, rows)
	if err != nil {
		return nil, err
	}
	if previewToken != "" && previewToken != plan.token {
		return nil, Conflictf("文件内容或座谈会与预览时不一致,未导入任何记录;请重新预览后再导入")
	}
	if len(plan.bad) > 0 {
		return nil, &ImportError{Rows: plan.bad}
	}
	res := &ImportResult{}
	for _, r := range plan.rows {
		if r.Duplicate {
			res.Duplicates++
			continue
		}
		stored, created, err := s.createSuggestion(ctx, r.Suggestion)
		if err != nil {
			return nil, fmt.Errorf("import into %s: %w", symposiumID, err)
		}
		if created {
			res.Created++
		} else {
			res.Duplicates++
		}
		res.Suggestions = append(res.Suggestions, stored)
	}
	return res, nil
}

// planImport validates an import's request and every row, and finds the
// rows earlier imports of the same file stored.
func (s *Service) planImport(ctx context.Context, id Identity, symposiumID string, rows []ImportRow) (*importPlan, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if symposiumID == "" {
		return nil, FieldErrorf("symposium_id", "请选择座谈会")
	}
	if !ValidKey(symposiumID) {
		return nil, FieldErrorf("symposium_id", "座谈会不存在")
	}
	if len(rows) == 0 {
		return nil, FieldErrorf("file", "文件中没有数据行")
	}
	if len(rows) > MaxImportRows {
		return nil, Errorf(ETooLarge, "一次最多导入 %d 行", MaxImportRows)
	}
	sym, err := s.store.GetSymposium(ctx, symposiumID)
	if err != nil {
		if IsCode(err, ENotFound) {
			return nil, FieldErrorf("symposium_id", "座谈会不存在")
		}
		return nil, fmt.Errorf("import into %s: %w", symposiumID, err)
	}

	rows = importKinds(rows)
	digest := importDigest(rows)
	sum := sha256.Sum256([]byte(symposiumID + "\x00" + digest))
	plan := &importPlan{token: hex.EncodeToString(sum[:12])}
	for _, r := range rows {
		if strings.TrimSpace(r.Input.Content) == ImportExample.Content {
			plan.bad = append(plan.bad, RowError{Row: r.Row, Field: "content", Message: "这是导入模板的示例行,请删除或改为实际内容"})
			continue
		}
		// A date that cannot be read does not hide the row's other
		// error: the clerk corrects both before previewing again.
		badDate := r.WrittenOn != "" && r.Input.WrittenOn == ""
		if badDate {
			_, err := ParseLooseDate(r.WrittenOn)
			plan.bad = append(plan.bad, RowError{Row: r.Row, Field: "written_on", Message: "书写日期" + strings.TrimPrefix(ErrorMessage(err), "日期")})
		}
		in := r.Input
		in.IdempotencyKey = "import-" + digest + "-" + strconv.Itoa(r.Row)
		sg, err := s.newSubmission(sym, in, ChannelImport)
		if err != nil {
			plan.bad = append(plan.bad, importRowError(r.Row, in, err))
			continue
		}
		if badDate {
			continue
		}
		plan.rows = append(plan.rows, ImportPreviewRow{Row: r.Row, Suggestion: sg})
	}
	if len(plan.rows) == 0 {
		return plan, nil
	}
	done, err := s.importedKeys(ctx, symposiumID)
	if err != nil {
		return nil, err
	}
	for i := range plan.rows {
		plan.rows[i].Duplicate = done[plan.rows[i].Suggestion.IdempotencyKey]
	}
	return plan, nil
}

// importRowError is what is wrong with a row, said for a clerk who wrote a
// word the import does not know where a kind goes.
func importRowError(row int, in SubmissionInput, err error) RowError {
	e := RowError{Row: row, Field: ErrorField(err), Message: ErrorMessage(err)}
	switch {
	case e.Field == "participant_kind" && in.ParticipantKind != "" && !in.ParticipantKind.Valid():
		names := make([]string, len(ParticipantKinds))
		for i, k := range ParticipantKinds {
			names[i] = k.Label()
		}
		e.Message = fmt.Sprintf("参会身份「%s」无法识别,应为%s之一", in.ParticipantKind, strings.Join(names, "、"))
	case e.Field == "kind" && !in.Kind.Valid():
		e.Message = fmt.Sprintf("类别「%s」无法识别,应为意见建议或问题线索", in.Kind)
	}
	return e
}

// importedKeys collects the idempotency keys of earlier imports into a
// symposium. Imports are rare and small (a few dozen paper forms per
// symposium), so reading them all is cheap.
func (s *Service) importedKeys(ctx context.Context, symposiumID string) (map[string]bool, error) {
	keys := map[string]bool{}
	f := SuggestionFilter{SymposiumID: symposiumID, Channel: ChannelImport, Limit: MaxListLimit}
	for {
		p, err := s.store.ListSuggestions(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("list earlier imports into %s: %w", symposiumID, err)
		}
		for _, sg := range p.Items {
			if sg.IdempotencyKey != "" {
				keys[sg.IdempotencyKey] = true
			}
		}
		if p.NextCursor == "" {
			return keys, nil
		}
		f.Cursor = p.NextCursor
	}
}

// importDigest is a short hex digest of every row's number and fields,
// length-prefixed so no two different files share one.
func importDigest(rows []ImportRow) string {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, r := range rows {
		put(strconv.Itoa(r.Row))
		in := r.Input
		for _, f := range []string{string(in.ParticipantKind), string(in.Kind), in.Name, in.Organization, in.Contact, in.Topic, in.Content} {
			put(f)
		}
		// Only when present, so files without written dates keep the
		// digest (and the idempotency keys) they had before there were any.
		if in.WrittenOn != "" {
			put("written_on=" + string(in.WrittenOn))
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// importKinds reads the kinds of imported rows the way clerks write them:
// a code (npc_deputy), its Chinese label (人大代表) or a common synonym
// (社区代表, 群众); an empty suggestion kind is a suggestion. Anything else
// is left as it is, for validation to name the row.
func importKinds(rows []ImportRow) []ImportRow {
	out := make([]ImportRow, len(rows))
	for i, r := range rows {
		r.Input.ParticipantKind = participantKindOf(string(r.Input.ParticipantKind))
		r.Input.Kind = suggestionKindOf(string(r.Input.Kind))
		if r.WrittenOn != "" {
			// An unreadable date leaves Input.WrittenOn empty; planImport
			// names the row.
			r.Input.WrittenOn, _ = ParseLooseDate(r.WrittenOn)
		}
		out[i] = r
	}
	return out
}

// participantKindSynonyms are what paper forms call participant kinds
// besides their labels.
var participantKindSynonyms = map[string]ParticipantKind{
	"村代表": Community, "社区代表": Community, "村(社区)代表": Community,
	"群众": Public, "其他": Public,
}

// suggestionKindSynonyms are what paper forms call suggestion kinds
// besides their labels.
var suggestionKindSynonyms = map[string]SuggestionKind{
	"建议": KindSuggestion, "意见": KindSuggestion,
	"问题": KindProblemLead, "线索": KindProblemLead,
}

func participantKindOf(s string) ParticipantKind {
	s = strings.TrimSpace(s)
	for _, k := range ParticipantKinds {
		if s == k.Label() || strings.EqualFold(s, string(k)) {
			return k
		}
	}
	if k, ok := participantKindSynonyms[s]; ok {
		return k
	}
	return ParticipantKind(s)
}

func suggestionKindOf(s string) SuggestionKind {
	s = strings.TrimSpace(s)
	for _, k := range SuggestionKinds {
		if s == k.Label() || strings.EqualFold(s, string(k)) {
			return k
		}
	}
	if k, ok := suggestionKindSynonyms[s]; ok {
		return k
	}
	return SuggestionKind(s)
}
