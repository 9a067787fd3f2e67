package feedback

import (
	"context"
	"fmt"
	"slices"
)

// UnitInput is what the office gives to register a unit.
type UnitInput struct {
	Name    string
	Head    string
	Contact string
	Notify  NotifyChannel
}

// UnitEdit changes some of a unit's fields; nil fields stay as they are.
// The name is the unit's key and never changes (the unit migration
// rewrites references instead).
type UnitEdit struct {
	Head    *string
	Contact *string
	// Notify replaces the unit's channel; a zero channel removes it. With
	// KeepURL an empty URL keeps the stored one (the channel kind being
	// unchanged), with KeepSecret the stored secret stays: the API never
	// hands credentials back, so an edit need not resend them.
	Notify     *NotifyChannel
	KeepURL    bool
	KeepSecret bool
	// IfVersion, when non-zero, applies the edit only at that version.
	IfVersion int64
}

// CreateUnit registers a unit. Office roles only.
func (s *Service) CreateUnit(ctx context.Context, id Identity, in UnitInput) (*Unit, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	now := s.now()
	u := &Unit{
		Name: CleanText(in.Name), Head: CleanText(in.Head), Contact: CleanText(in.Contact),
		Notify:    cleanChannel(in.Notify),
		CreatedAt: now, UpdatedAt: now, UpdatedBy: actorName(id),
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.CreateUnit(ctx, u); err != nil {
		if IsCode(err, EConflict) {
			return nil, &Error{Code: EConflict, Field: "name", Message: fmt.Sprintf("单位「%s」已登记", u.Name), Err: err}
		}
		return nil, fmt.Errorf("create unit: %w", err)
	}
	s.log.InfoContext(ctx, "unit registered", "unit", u.Name, "channel", u.Notify.Kind, "by", actorName(id))
	return u, nil
}

func cleanChannel(c NotifyChannel) NotifyChannel {
	return NotifyChannel{Kind: CleanText(c.Kind), URL: CleanText(c.URL), Secret: CleanText(c.Secret)}
}

// GetUnit returns a registered unit. Any role may read the registry; the
// channel's credentials are for the HTTP layer to mask (NotifyChannel.Masked).
func (s *Service) GetUnit(ctx context.Context, id Identity, name string) (*Unit, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	u, err := s.store.GetUnit(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("get unit %s: %w", name, err)
	}
	return u, nil
}

// ListUnits lists the registry in name order. Any role.
func (s *Service) ListUnits(ctx context.Context, id Identity, f UnitFilter) (Page[*Unit], error) {
	if err := requireAnyRole(id); err != nil {
		return Page[*Unit]{}, err
	}
	page, err := s.store.ListUnits(ctx, f)
	if err != nil {
		return page, fmt.Errorf("list units: %w", err)
	}
	return page, nil
}

// UpdateUnit changes a unit's head, contact or channel. The office may edit
// every unit; a unit account its own (it registers its own group robot).
func (s *Service) UpdateUnit(ctx context.Context, id Identity, name string, e UnitEdit) (*Unit, error) {
	if err := canEditUnit(id, name); err != nil {
		return nil, err
	}
	var u *Unit
	err := retryWrite(func(int) (func() error, error) {
		var err error
		if u, err = s.store.GetUnit(ctx, name); err != nil {
			return nil, fmt.Errorf("update unit %s: %w", name, err)
		}
		if e.IfVersion != 0 && e.IfVersion != u.Version {
			return nil, &Error{Code: EConflict, Field: "version", Message: "单位信息已被他人修改,请刷新后再保存"}
		}
		changed := false
		if e.Head != nil && CleanText(*e.Head) != u.Head {
			u.Head, changed = CleanText(*e.Head), true
		}
		if e.Contact != nil && CleanText(*e.Contact) != u.Contact {
			u.Contact, changed = CleanText(*e.Contact), true
		}
		if e.Notify != nil {
			ch := cleanChannel(*e.Notify)
			if ch.Kind != "" && ch.Kind == u.Notify.Kind {
				if e.KeepURL && ch.URL == "" {
					ch.URL = u.Notify.URL
				}
				if e.KeepSecret {
					ch.Secret = u.Notify.Secret
				}
			}
			if ch.Kind == "" {
				ch = NotifyChannel{}
			}
			if ch != u.Notify {
				u.Notify, changed = ch, true
			}
		}
		if !changed {
			return nil, nil
		}
		u.UpdatedAt, u.UpdatedBy = s.now(), actorName(id)
		if err := u.Validate(); err != nil {
			return nil, err
		}
		return func() error {
			if err := s.store.UpdateUnit(ctx, u); err != nil {
				return fmt.Errorf("update unit %s: %w", name, err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// requireUnits checks that every named unit is registered: a problem's
// lead and co-units, a routing rule's default unit, a unit account's unit.
// An unregistered name is EInvalid naming field.
func (s *Service) requireUnits(ctx context.Context, field string, names ...string) error {
	checked := []string{}
	for _, name := range names {
		if name == "" || slices.Contains(checked, name) {
			continue
		}
		checked = append(checked, name)
		_, err := s.store.GetUnit(ctx, name)
		switch {
		case err == nil:
		case IsCode(err, ENotFound):
			return FieldErrorf(field, "「%s」不是已登记的单位,请先在「单位管理」中登记,或从已登记的单位中选择", name)
		default:
			return fmt.Errorf("check unit %s: %w", name, err)
		}
	}
	return nil
}

// unitHead is the head of a registered unit, "" when it has none or is not
// registered: the default first responsible person of its problems.
func (s *Service) unitHead(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	u, err := s.store.GetUnit(ctx, name)
	switch {
	case err == nil:
		return u.Head, nil
	case IsCode(err, ENotFound):
		return "", nil
	}
	return "", fmt.Errorf("unit %s: %w", name, err)
}
