package feedback

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// SymposiumInput is what staff give to create a symposium. Status defaults
// to open; draft keeps the form closed until it is opened.
type SymposiumInput struct {
	Title        string
	Campaign     string
	HostUnit     string
	Venue        string
	StartsAt     time.Time
	EndsAt       time.Time
	Status       SymposiumStatus
	AllowedKinds []ParticipantKind
}

// SymposiumPatch changes some of a symposium's fields; nil fields stay as
// they are.
type SymposiumPatch struct {
	Title        *string
	Campaign     *string
	HostUnit     *string
	Venue        *string
	StartsAt     *time.Time
	EndsAt       *time.Time
	Status       *SymposiumStatus
	AllowedKinds *[]ParticipantKind
}

// CreateSymposium creates a symposium with a fresh ID and public code.
func (s *Service) CreateSymposium(ctx context.Context, id Identity, in SymposiumInput) (*Symposium, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	now := s.now()
	sym := &Symposium{
		Title:        CleanText(in.Title),
		Campaign:     CleanText(in.Campaign),
		HostUnit:     CleanText(in.HostUnit),
		Venue:        CleanText(in.Venue),
		StartsAt:     in.StartsAt,
		EndsAt:       in.EndsAt,
		Status:       in.Status,
		AllowedKinds: dedupKinds(in.AllowedKinds),
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	if sym.Status == "" {
		sym.Status = SymposiumOpen
	}
	if sym.Status == SymposiumClosed {
		return nil, FieldErrorf("status", "新建的座谈会只能是未开始或收集中")
	}
	// A fresh ID and code on every attempt: with 40 random bits a taken
	// code is already rare, and a retry makes it practically impossible.
	err := retryWrite(func(int) (func() error, error) {
		sym.ID = NewID(now)
		sym.Code = NewSymposiumCode()
		if err := sym.Validate(); err != nil {
			return nil, err
		}
		return func() error {
			if err := s.store.CreateSymposium(ctx, sym); err != nil {
				return fmt.Errorf("create symposium: %w", err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return sym, nil
}

// GetSymposium returns one symposium by ID.
func (s *Service) GetSymposium(ctx context.Context, id Identity, symposiumID string) (*Symposium, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	sym, err := s.store.GetSymposium(ctx, symposiumID)
	if err != nil {
		return nil, fmt.Errorf("get symposium %s: %w", symposiumID, err)
	}
	return sym, nil
}

// ListSymposia lists symposia, newest first.
func (s *Service) ListSymposia(ctx context.Context, id Identity, f SymposiumFilter) (Page[*Symposium], error) {
	if err := requireAnyRole(id); err != nil {
		return Page[*Symposium]{}, err
	}
	if err := f.Validate(); err != nil {
		return Page[*Symposium]{}, err
	}
	p, err := s.store.ListSymposia(ctx, f)
	if err != nil {
		return p, fmt.Errorf("list symposia: %w", err)
	}
	return p, nil
}

// UpdateSymposium applies patch. Status changes follow
// SymposiumStatus.CanBecome (an impossible one is EConflict); closing a
// symposium is for admins only. A change saved by someone else meanwhile is
// kept: the patch is applied again to the fresh copy.
func (s *Service) UpdateSymposium(ctx context.Context, id Identity, symposiumID string, patch SymposiumPatch) (*Symposium, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if patch.Status != nil && *patch.Status == SymposiumClosed {
		if err := canCloseSymposium(id); err != nil {
			return nil, err
		}
	}
	var sym *Symposium
	err := retryWrite(func(int) (func() error, error) {
		var err error
		if sym, err = s.store.GetSymposium(ctx, symposiumID); err != nil {
			return nil, fmt.Errorf("update symposium %s: %w", symposiumID, err)
		}
		if err := patch.apply(sym); err != nil {
			return nil, err
		}
		sym.UpdatedAt = s.now()
		if err := sym.Validate(); err != nil {
			return nil, err
		}
		return func() error {
			if err := s.store.UpdateSymposium(ctx, sym); err != nil {
				return fmt.Errorf("update symposium %s: %w", symposiumID, err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return sym, nil
}

// apply changes sym as the patch says.
func (patch SymposiumPatch) apply(sym *Symposium) error {
	if patch.Status != nil && *patch.Status != sym.Status {
		next := *patch.Status
		if !next.Valid() {
			return FieldErrorf("status", "座谈会状态应为未开始、收集中或已结束")
		}
		if !sym.Status.CanBecome(next) {
			return &Error{Code: EConflict, Field: "status",
				Message: fmt.Sprintf("座谈会不能从「%s」变为「%s」", sym.Status.Label(), next.Label())}
		}
		sym.Status = next
	}
	setString := func(dst *string, src *string) {
		if src != nil {
			*dst = CleanText(*src)
		}
	}
	setString(&sym.Title, patch.Title)
	setString(&sym.Campaign, patch.Campaign)
	setString(&sym.HostUnit, patch.HostUnit)
	setString(&sym.Venue, patch.Venue)
	if patch.StartsAt != nil {
		sym.StartsAt = *patch.StartsAt
	}
	if patch.EndsAt != nil {
		sym.EndsAt = *patch.EndsAt
	}
	if patch.AllowedKinds != nil {
		sym.AllowedKinds = dedupKinds(*patch.AllowedKinds)
	}
	return nil
}

// FormURL is the public form's address for sym: what its QR code encodes.
func (s *Service) FormURL(sym *Symposium) string {
	return strings.TrimRight(s.baseURL, "/") + "/s/" + sym.Code
}

// dedupKinds drops repeated participant kinds, keeping the first order.
func dedupKinds(in []ParticipantKind) []ParticipantKind {
	if len(in) == 0 {
		return nil
	}
	out := make([]ParticipantKind, 0, len(in))
	seen := map[ParticipantKind]bool{}
	for _, k := range in {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
