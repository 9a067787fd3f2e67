package feedback

import "time"

// SymposiumStatus is where a symposium is in its life.
type SymposiumStatus string

// Symposium statuses. Only an open symposium takes submissions.
const (
	SymposiumDraft  SymposiumStatus = "draft"
	SymposiumOpen   SymposiumStatus = "open"
	SymposiumClosed SymposiumStatus = "closed"
)

// Valid reports whether s is a known status.
func (s SymposiumStatus) Valid() bool {
	return s == SymposiumDraft || s == SymposiumOpen || s == SymposiumClosed
}

// symposiumTransitions: a draft opens (or is closed unused), an open one
// closes, and a closed one may be reopened when the office extends it.
var symposiumTransitions = map[SymposiumStatus][]SymposiumStatus{
	SymposiumDraft:  {SymposiumOpen, SymposiumClosed},
	SymposiumOpen:   {SymposiumClosed},
	SymposiumClosed: {SymposiumOpen},
}

// CanBecome reports whether a symposium may move from s to next.
func (s SymposiumStatus) CanBecome(next SymposiumStatus) bool {
	for _, n := range symposiumTransitions[s] {
		if n == next {
			return true
		}
	}
	return false
}

// Symposium is a consultation symposium (座谈会).
type Symposium struct {
	ID       string
	Code     string // short public code used in links and QR codes
	Title    string
	Campaign string // the campaign (专项) it belongs to, e.g. 涉企乱罚款专项整治
	HostUnit string
	Venue    string
	StartsAt time.Time // optional
	EndsAt   time.Time // optional
	Status   SymposiumStatus
	// AllowedKinds are the participant kinds the form offers; empty means all.
	AllowedKinds []ParticipantKind
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Version is the optimistic-concurrency counter; the store sets it.
	Version int64
}

// Validate checks a symposium before it is stored.
func (s *Symposium) Validate() error {
	if err := CheckKey("id", s.ID); err != nil {
		return err
	}
	if !ValidSymposiumCode(s.Code) {
		return FieldErrorf("code", "座谈会代码无效")
	}
	if !s.Status.Valid() {
		return FieldErrorf("status", "座谈会状态应为未开始、收集中或已结束")
	}
	if !s.StartsAt.IsZero() && !s.EndsAt.IsZero() && s.EndsAt.Before(s.StartsAt) {
		return FieldErrorf("ends_at", "结束时间不能早于开始时间")
	}
	for _, k := range s.AllowedKinds {
		if !k.Valid() {
			return FieldErrorf("allowed_kinds", "未知的参会身份「%s」", k)
		}
	}
	return firstErr(
		checkText("title", s.Title, true, TitleMaxRunes, false),
		checkText("campaign", s.Campaign, false, CampaignMaxRunes, false),
		checkText("host_unit", s.HostUnit, false, UnitMaxRunes, false),
		checkText("venue", s.Venue, false, VenueMaxRunes, false),
	)
}

// Allows reports whether the symposium's form offers participant kind k.
func (s *Symposium) Allows(k ParticipantKind) bool {
	if len(s.AllowedKinds) == 0 {
		return k.Valid()
	}
	for _, a := range s.AllowedKinds {
		if a == k {
			return true
		}
	}
	return false
}

// Kinds returns the participant kinds the form offers, in display order.
func (s *Symposium) Kinds() []ParticipantKind {
	var out []ParticipantKind
	for _, k := range ParticipantKinds {
		if s.Allows(k) {
			out = append(out, k)
		}
	}
	return out
}
