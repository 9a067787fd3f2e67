package feedback

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"
)

// SettingsInput is what an administrator saves as the office's settings.
// The whole record is replaced: a kind left out of NumberPrefixes has no
// prefix afterwards.
type SettingsInput struct {
	OfficeName     string
	Issuer         string
	NumberPrefixes map[DocumentKind]string
	// EmblemFileID: nil keeps the emblem as it is, "" removes it, the ID of
	// an uploaded image (POST /api/v1/uploads) replaces it with a copy of
	// that image.
	EmblemFileID *string
	// Version, when set, is the version the caller read: if someone saved
	// since, the save is EConflict (field version) and stores nothing.
	// Without it the save overwrites whatever is stored.
	Version *int64
}

// settingsCache keeps the settings a Service read last, for the public
// pages (see SetSettingsCacheTTL).
type settingsCache struct {
	mu      sync.Mutex
	s       *Settings
	fetched time.Time
	ttl     time.Duration
}

// SetSettingsCacheTTL lets OfficeSettings reuse the settings it read for up
// to d. The default, 0, reads them for every call. The public function sets
// a few seconds, so that a busy form page costs no read for them; a change
// saved by the staff function then shows on its pages up to d later
// (changes saved through this service show at once).
func (s *Service) SetSettingsCacheTTL(d time.Duration) {
	s.settings.mu.Lock()
	defer s.settings.mu.Unlock()
	s.settings.ttl = d
}

// OfficeSettings returns the office's settings for what the office shows
// (public pages, the poster, documents, notices): the zero Settings
// (Version 0) when none were saved. It needs no identity and must not be
// handed to callers as is: it holds nothing secret, but what it holds is
// the administrators' to show.
func (s *Service) OfficeSettings(ctx context.Context) (*Settings, error) {
	c := &s.settings
	c.mu.Lock()
	if c.s != nil && c.ttl > 0 && s.now().Sub(c.fetched) < c.ttl {
		st := c.s
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	st, err := s.store.GetSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("get settings: %w", err)
	}
	s.rememberSettings(st)
	return st, nil
}

// rememberSettings keeps st unless a newer version is cached.
func (s *Service) rememberSettings(st *Settings) {
	c := &s.settings
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s == nil || c.s.Version <= st.Version {
		c.s = st
	}
	c.fetched = s.now()
}

// GetSettings returns the office's settings for an administrator.
func (s *Service) GetSettings(ctx context.Context, id Identity) (*Settings, error) {
	if err := requireAdminRole(id); err != nil {
		return nil, err
	}
	st, err := s.store.GetSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("get settings: %w", err)
	}
	return st, nil
}

// PutSettings saves the office's settings. Administrators only: the name
// and the emblem appear on every public page and document.
func (s *Service) PutSettings(ctx context.Context, id Identity, in SettingsInput) (*Settings, error) {
	if err := requireAdminRole(id); err != nil {
		return nil, err
	}
	next := &Settings{
		OfficeName: CleanText(in.OfficeName),
		Issuer:     CleanText(in.Issuer),
	}
	for k, v := range in.NumberPrefixes {
		if v = CleanText(v); v != "" {
			if next.NumberPrefixes == nil {
				next.NumberPrefixes = map[DocumentKind]string{}
			}
			next.NumberPrefixes[DocumentKind(CleanText(string(k)))] = v
		}
	}
	var emblem *Emblem
	if in.EmblemFileID != nil && *in.EmblemFileID != "" {
		if s.files == nil {
			return nil, &Error{Code: EUnsupported, Field: "emblem_file_id", Message: "本系统未配置文件存储,无法设置徽标"}
		}
		f, data, err := s.files.ReadImage(ctx, id, *in.EmblemFileID, "emblem_file_id", EmblemMaxBytes)
		if err != nil {
			return nil, err
		}
		emblem = &Emblem{ContentType: f.ContentType, Data: data}
	}
	// Validate what can be validated before reading the stored settings.
	probe := *next
	probe.Emblem = emblem
	if err := probe.Validate(); err != nil {
		return nil, err
	}
	err := retryWrite(func(int) (func() error, error) {
		cur, err := s.store.GetSettings(ctx)
		if err != nil {
			return nil, fmt.Errorf("put settings: %w", err)
		}
		if in.Version != nil && *in.Version != cur.Version {
			return nil, &Error{Code: EConflict, Field: "version", Message: "系统设置已被他人修改,请刷新后再保存"}
		}
		next.Emblem = cur.Emblem
		if in.EmblemFileID != nil {
			next.Emblem = emblem
		}
		next.Version = cur.Version
		next.UpdatedAt = s.now()
		next.UpdatedBy = actorName(id)
		return func() error {
			if err := s.store.PutSettings(ctx, next); err != nil {
				return fmt.Errorf("put settings: %w", err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	s.rememberSettings(next)
	s.log.InfoContext(ctx, "settings saved", "version", next.Version, "by", next.UpdatedBy)
	out := *next
	out.NumberPrefixes = maps.Clone(next.NumberPrefixes)
	return &out, nil
}

// PublicEmblem returns the office's emblem if name is its current
// EmblemName; ENotFound otherwise (a stale name after a change, or none).
func (s *Service) PublicEmblem(ctx context.Context, name string) (*Emblem, error) {
	st, err := s.OfficeSettings(ctx)
	if err != nil {
		return nil, err
	}
	if name == "" || st.EmblemName() != name {
		return nil, Errorf(ENotFound, "徽标不存在")
	}
	return st.Emblem, nil
}
