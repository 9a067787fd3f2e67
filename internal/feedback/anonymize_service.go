package feedback

import (
	"context"
	"fmt"
	"time"
)

// MinRetention is the shortest retention an anonymisation run accepts: a
// guard against a slip such as "0" wiping the contact details of people
// who wrote in this morning.
const MinRetention = 24 * time.Hour

// AnonymizeCounts reports an anonymisation run.
type AnonymizeCounts struct {
	Cutoff     time.Time // suggestions submitted before this were examined
	Examined   int       // suggestions submitted before Cutoff
	Anonymized int       // of those, the ones that still had personal data
	Failed     int
	AuditID    string // the audit event that records the run
}

// AnonymizePersonalData erases the personal data (name, organization,
// contact, and the photos of a problem lead, bytes and records) of every
// suggestion submitted more than olderThan ago, keeping
// the suggestion itself (content, status, problem) for the record. It is
// idempotent: a second run finds nothing left to erase. It pages through
// the suggestions, so it works on any number of them, and records one audit
// event with the counts (never the erased values). Administrators only.
//
// What it cannot reach: backups (DynamoDB point-in-time recovery keeps 35
// days), the DynamoDB stream (24 hours) and free pages of the SQLite file
// until they are reused; see docs/threat-model.md.
func (s *Service) AnonymizePersonalData(ctx context.Context, id Identity, olderThan time.Duration) (AnonymizeCounts, error) {
	var c AnonymizeCounts
	if err := requireAdminRole(id); err != nil {
		return c, err
	}
	if olderThan < MinRetention {
		return c, FieldErrorf("older_than_days", "保留期限至少 %d 天", int(MinRetention/(24*time.Hour)))
	}
	now := s.now()
	c.Cutoff = now.Add(-olderThan)
	f := SuggestionFilter{To: c.Cutoff, Limit: MaxListLimit}
	var firstErr error
	for {
		page, err := s.store.ListSuggestions(ctx, f)
		if err != nil {
			return c, fmt.Errorf("anonymize: list suggestions before %s: %w", c.Cutoff.Format(time.RFC3339), err)
		}
		for _, sg := range page.Items {
			c.Examined++
			if !sg.HasPersonalData() {
				continue
			}
			if err := s.anonymizeOne(ctx, sg); err != nil {
				c.Failed++
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			c.Anonymized++
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	ev := &AuditEvent{
		ID: NewID(now), Actor: actorName(id), At: now, Action: ActionAnonymized,
		Note: fmt.Sprintf("删除 %s 以前提交的意见建议中的个人信息:检查 %d 条,删除 %d 条,失败 %d 条",
			c.Cutoff.In(Shanghai).Format("2006-01-02 15:04"), c.Examined, c.Anonymized, c.Failed),
	}
	if err := s.store.AppendAuditEvent(ctx, ev); err != nil {
		return c, fmt.Errorf("anonymize: record audit event: %w", err)
	}
	c.AuditID = ev.ID
	s.log.InfoContext(ctx, "personal data anonymized", "examined", c.Examined, "anonymized", c.Anonymized,
		"failed", c.Failed, "by", ev.Actor, "audit_event", ev.ID)
	if firstErr != nil {
		return c, fmt.Errorf("anonymize: %d of %d failed, first: %w", c.Failed, c.Examined, firstErr)
	}
	return c, nil
}

// anonymizeOne erases one suggestion's personal data, reading it again when
// a concurrent change (routing, adoption) won the race.
func (s *Service) anonymizeOne(ctx context.Context, listed *Suggestion) error {
	id := listed.ID
	return retryWrite(func(attempt int) (func() error, error) {
		sg := listed
		if attempt > 1 {
			var err error
			if sg, err = s.store.GetSuggestion(ctx, id); err != nil {
				return nil, fmt.Errorf("anonymize suggestion %s: %w", id, err)
			}
		}
		if !sg.HasPersonalData() {
			return nil, nil
		}
		// Photos go first, bytes and records: should the suggestion's
		// write then fail, it still lists them and the next run removes
		// what is left (removing a file that is gone is no error).
		for _, fid := range sg.PhotoFileIDs {
			if s.files == nil {
				return nil, fmt.Errorf("anonymize suggestion %s: photos but no file storage configured", id)
			}
			if err := s.files.Remove(ctx, fid); err != nil {
				return nil, fmt.Errorf("anonymize suggestion %s: remove photo %s: %w", id, fid, err)
			}
		}
		sg.Name, sg.Organization, sg.Contact, sg.Notify, sg.PhotoFileIDs = "", "", "", false, nil
		sg.UpdatedAt = s.now()
		return func() error {
			if err := s.store.UpdateSuggestion(ctx, sg); err != nil {
				return fmt.Errorf("anonymize suggestion %s: %w", id, err)
			}
			return nil
		}, nil
	})
}
