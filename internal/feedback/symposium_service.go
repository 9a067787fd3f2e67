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

// codeAttempts bounds retries when a freshly drawn symposium code is taken.
// With 40 random bits a clash is already rare; three draws make it
// practically impossible.
const codeAttempts = 3

// requireOffice allows the office's own roles (admin and staff): managing
// symposia and entering paper suggestions is not a unit's business.
func requireOffice(id Identity) error {
	switch id.Role {
	case RoleAdmin, RoleStaff:
		return nil
	case "":
		return Errorf(EForbidden, "no role")
	}
	return Errorf(EForbidden, "only office staff may do this")
}

// requireAnyRole allows any caller with a role.
func requireAnyRole(id Identity) error {
	if !id.Role.Valid() {
		return Errorf(EForbidden, "no role")
	}
	return nil
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
		return nil, FieldErrorf("status", "a new symposium is draft or open")
	}
	var err error
	for range codeAttempts {
		sym.ID = NewID(now)
		sym.Code = NewSymposiumCode()
		if err = sym.Validate(); err != nil {
			return nil, err
		}
		err = s.store.CreateSymposium(ctx, sym)
		if !IsCode(err, EConflict) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create symposium: %w", err)
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
// symposium is for admins only.
func (s *Service) UpdateSymposium(ctx context.Context, id Identity, symposiumID string, patch SymposiumPatch) (*Symposium, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if patch.Status != nil && *patch.Status == SymposiumClosed && id.Role != RoleAdmin {
		return nil, Errorf(EForbidden, "only an admin may close a symposium")
	}
	sym, err := s.store.GetSymposium(ctx, symposiumID)
	if err != nil {
		return nil, fmt.Errorf("update symposium %s: %w", symposiumID, err)
	}
	if patch.Status != nil && *patch.Status != sym.Status {
		next := *patch.Status
		if !next.Valid() {
			return nil, FieldErrorf("status", "status must be draft, open or closed")
		}
		if !sym.Status.CanBecome(next) {
			return nil, &Error{Code: EConflict, Field: "status",
				Message: fmt.Sprintf("symposium cannot go from %s to %s", sym.Status, next)}
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
	sym.UpdatedAt = s.now()
	if err := sym.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.UpdateSymposium(ctx, sym); err != nil {
		return nil, fmt.Errorf("update symposium %s: %w", symposiumID, err)
	}
	return sym, nil
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
