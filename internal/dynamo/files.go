package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

var _ feedback.FileRecords = (*Store)(nil)

// File records: FILE#<id> / FILE. While nothing references a file it is in
// gsi1's FILEFREE partition, sorted by upload time, which is what the sweep
// of unreferenced files reads; attaching removes the index keys (a sparse
// index of exactly the unreferenced files).
const (
	typeFile    = "file"
	pkFile      = "FILE#"
	skFile      = "FILE"
	g1FilesFree = "FILEFREE"
)

type fileItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	Version         int64  `dynamodbav:"version"`
	ID              string `dynamodbav:"id"`
	Name            string `dynamodbav:"name"`
	ContentType     string `dynamodbav:"content_type"`
	Size            int64  `dynamodbav:"size"`
	Purpose         string `dynamodbav:"purpose"`
	Status          string `dynamodbav:"status"`
	RejectReason    string `dynamodbav:"reject_reason,omitempty"`
	UploadedBy      string `dynamodbav:"uploaded_by,omitempty"`
	UploaderSubject string `dynamodbav:"uploader_subject,omitempty"`
	UploaderUnit    string `dynamodbav:"uploader_unit,omitempty"`
	SymposiumID     string `dynamodbav:"symposium_id,omitempty"`
	ProblemID       string `dynamodbav:"problem_id,omitempty"`
	SuggestionID    string `dynamodbav:"suggestion_id,omitempty"`
	CreatedAt       string `dynamodbav:"created_at"`
	ExpiresAt       string `dynamodbav:"expires_at"`
	CheckedAt       string `dynamodbav:"checked_at,omitempty"`
}

func fileToItem(f *feedback.File, version int64) (map[string]types.AttributeValue, error) {
	it := fileItem{
		PK: pkFile + f.ID, SK: skFile, Type: typeFile, Version: version,
		ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Purpose: string(f.Purpose), Status: string(f.Status),
		RejectReason: f.RejectReason, UploadedBy: f.UploadedBy, UploaderSubject: f.UploaderSubject, UploaderUnit: f.UploaderUnit,
		SymposiumID: f.SymposiumID, ProblemID: f.ProblemID, SuggestionID: f.SuggestionID,
		CreatedAt: ts(f.CreatedAt), ExpiresAt: ts(f.ExpiresAt), CheckedAt: ts(f.CheckedAt),
	}
	if !f.Attached() {
		it.GSI1PK, it.GSI1SK = g1FilesFree, sortTS(f.CreatedAt)+"#"+f.ID
	}
	return marshal(it)
}

func (it *fileItem) domain() (*feedback.File, error) {
	f := &feedback.File{
		ID: it.ID, Name: it.Name, ContentType: it.ContentType, Size: it.Size, Purpose: feedback.FilePurpose(it.Purpose),
		Status: feedback.FileStatus(it.Status), RejectReason: it.RejectReason, UploadedBy: it.UploadedBy,
		UploaderSubject: it.UploaderSubject, UploaderUnit: it.UploaderUnit, SymposiumID: it.SymposiumID,
		ProblemID: it.ProblemID, SuggestionID: it.SuggestionID, Version: it.Version,
	}
	var err error
	if f.CreatedAt, err = parseTS("created_at", it.CreatedAt); err != nil {
		return nil, err
	}
	if f.ExpiresAt, err = parseTS("expires_at", it.ExpiresAt); err != nil {
		return nil, err
	}
	if f.CheckedAt, err = parseTS("checked_at", it.CheckedAt); err != nil {
		return nil, err
	}
	return f, nil
}

// CreateFile implements feedback.FileRecords: one conditional put.
func (s *Store) CreateFile(ctx context.Context, f *feedback.File) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("dynamo: create file %s: %w", f.ID, err)
	}
	item, err := fileToItem(f, 1)
	if err == nil {
		err = s.transact(ctx, []types.TransactWriteItem{s.put(item, notExists())})
	}
	if err != nil {
		return fmt.Errorf("dynamo: create file %s: %w", f.ID, storeErr(err))
	}
	f.Version = 1
	return nil
}

// GetFile implements feedback.FileRecords: one consistent read.
func (s *Store) GetFile(ctx context.Context, id string) (*feedback.File, error) {
	if !feedback.ValidKey(id) {
		return nil, feedback.NotFound("file", id)
	}
	var it fileItem
	found, err := s.getItem(ctx, pkFile+id, skFile, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get file %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("file", id)
	}
	f, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get file %s: %w", id, feedback.Internal(err))
	}
	return f, nil
}

// UpdateFile implements feedback.FileRecords: a put conditional on the
// version read.
func (s *Store) UpdateFile(ctx context.Context, f *feedback.File) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("dynamo: update file %s: %w", f.ID, err)
	}
	item, err := fileToItem(f, f.Version+1)
	if err == nil {
		err = s.transact(ctx, []types.TransactWriteItem{s.put(item, versionIs(f.Version))})
	}
	if err != nil {
		return fmt.Errorf("dynamo: update file %s: %w", f.ID, storeErr(err))
	}
	f.Version++
	return nil
}

// DeleteFile implements feedback.FileRecords.
func (s *Store) DeleteFile(ctx context.Context, id string) error {
	if !feedback.ValidKey(id) {
		return nil
	}
	del := types.TransactWriteItem{Delete: &types.Delete{TableName: s.table, Key: key(pkFile+id, skFile)}}
	if err := s.transact(ctx, []types.TransactWriteItem{del}); err != nil {
		return fmt.Errorf("dynamo: delete file %s: %w", id, storeErr(err))
	}
	return nil
}

// ListUnattachedFiles implements feedback.FileRecords: the FILEFREE
// partition of gsi1 up to before, oldest first.
func (s *Store) ListUnattachedFiles(ctx context.Context, before time.Time, limit int, cursor string) (feedback.Page[*feedback.File], error) {
	var page feedback.Page[*feedback.File]
	spec := listSpec{
		id:    listID("unattached_files", sortTS(before)),
		parts: []part{gsi(1, g1FilesFree)}, high: sortTS(before), limit: feedback.ClampLimit(limit),
	}
	items, next, err := s.readList(ctx, spec, cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list unattached files: %w", err)
	}
	page.Items, err = decodeAll(items, (*fileItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list unattached files: %w", err)
	}
	page.NextCursor = next
	return page, nil
}

// evidenceItem is a stored feedback.EvidenceRef (in a problem's evidence
// list and an audit event's files).
type evidenceItem struct {
	FileID      string `dynamodbav:"file_id"`
	Name        string `dynamodbav:"name"`
	ContentType string `dynamodbav:"content_type"`
	Size        int64  `dynamodbav:"size"`
	By          string `dynamodbav:"by,omitempty"`
	At          string `dynamodbav:"at"`
}

func evidenceItems(refs []feedback.EvidenceRef) []evidenceItem {
	if len(refs) == 0 {
		return nil
	}
	out := make([]evidenceItem, len(refs))
	for i, r := range refs {
		out[i] = evidenceItem{FileID: r.FileID, Name: r.Name, ContentType: r.ContentType, Size: r.Size, By: r.By, At: ts(r.At)}
	}
	return out
}

func evidenceRefs(items []evidenceItem) ([]feedback.EvidenceRef, error) {
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]feedback.EvidenceRef, len(items))
	for i, it := range items {
		at, err := parseTS("evidence at", it.At)
		if err != nil {
			return nil, err
		}
		out[i] = feedback.EvidenceRef{FileID: it.FileID, Name: it.Name, ContentType: it.ContentType, Size: it.Size, By: it.By, At: at}
	}
	return out, nil
}
