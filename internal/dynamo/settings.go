package dynamo

import (
	"context"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The office's settings are one item, versioned like the routing rules.
const (
	pkSettings   = "SETTINGS"
	skSettings   = "SETTINGS"
	typeSettings = "settings"
)

// settingsItem is the stored form of feedback.Settings. The emblem's bytes
// (at most feedback.EmblemMaxBytes) are a binary attribute.
type settingsItem struct {
	PK             string            `dynamodbav:"pk"`
	SK             string            `dynamodbav:"sk"`
	Type           string            `dynamodbav:"type"`
	OfficeName     string            `dynamodbav:"office_name"`
	Issuer         string            `dynamodbav:"issuer,omitempty"`
	NumberPrefixes map[string]string `dynamodbav:"number_prefixes,omitempty"`
	EmblemType     string            `dynamodbav:"emblem_type,omitempty"`
	Emblem         []byte            `dynamodbav:"emblem,omitempty"`
	UpdatedAt      string            `dynamodbav:"updated_at,omitempty"`
	UpdatedBy      string            `dynamodbav:"updated_by,omitempty"`
	Version        int64             `dynamodbav:"version"`
}

func (it *settingsItem) domain() (*feedback.Settings, error) {
	st := &feedback.Settings{OfficeName: it.OfficeName, Issuer: it.Issuer, UpdatedBy: it.UpdatedBy, Version: it.Version}
	for k, v := range it.NumberPrefixes {
		if st.NumberPrefixes == nil {
			st.NumberPrefixes = map[feedback.DocumentKind]string{}
		}
		st.NumberPrefixes[feedback.DocumentKind(k)] = v
	}
	if len(it.Emblem) > 0 {
		st.Emblem = &feedback.Emblem{ContentType: it.EmblemType, Data: it.Emblem}
	}
	var err error
	if st.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	return st, nil
}

// GetSettings reads the office's settings; the zero Settings with Version
// 0 when none were saved.
func (s *Store) GetSettings(ctx context.Context) (*feedback.Settings, error) {
	var it settingsItem
	found, err := s.getItem(ctx, pkSettings, skSettings, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get settings: %w", err)
	}
	if !found {
		return &feedback.Settings{}, nil
	}
	st, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get settings: %w", feedback.Internal(err))
	}
	return st, nil
}

// PutSettings replaces the settings if the stored Version is still
// st.Version.
func (s *Store) PutSettings(ctx context.Context, st *feedback.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	it := settingsItem{
		PK: pkSettings, SK: skSettings, Type: typeSettings,
		OfficeName: st.OfficeName, Issuer: st.Issuer,
		UpdatedAt: ts(st.UpdatedAt), UpdatedBy: st.UpdatedBy, Version: st.Version + 1,
	}
	for k, v := range st.NumberPrefixes {
		if it.NumberPrefixes == nil {
			it.NumberPrefixes = map[string]string{}
		}
		it.NumberPrefixes[string(k)] = v
	}
	if e := st.Emblem; e != nil {
		it.EmblemType, it.Emblem = e.ContentType, e.Data
	}
	item, err := marshal(it)
	if err != nil {
		return err
	}
	c := versionIs(st.Version)
	if st.Version == 0 {
		c = notExists()
	}
	err = s.putIf(ctx, item, c)
	if err != nil {
		return fmt.Errorf("dynamo: put settings: %w", storeErr(err))
	}
	st.Version++
	return nil
}
