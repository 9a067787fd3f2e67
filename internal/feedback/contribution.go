package feedback

import "time"

// Contribution is a co-unit's report of its part in a problem (协办情况):
// what it did, with evidence files. Only the lead unit moves the
// problem's status; co-units report through contributions, which the lead
// and the office read with the problem.
type Contribution struct {
	ID        string
	ProblemID string
	Unit      string
	Text      string
	Files     []EvidenceRef
	By        string
	At        time.Time
}

// ContributionMaxRunes bounds a contribution's text.
const ContributionMaxRunes = ProgressMaxRunes

// Validate checks a contribution before it is stored.
func (c *Contribution) Validate() error {
	if err := firstErr(CheckKey("id", c.ID), CheckKey("problem_id", c.ProblemID)); err != nil {
		return err
	}
	if c.At.IsZero() {
		return FieldErrorf("at", "缺少报送时间")
	}
	if len(c.Files) > MaxEvidencePerProblem {
		return FieldErrorf("evidence_file_ids", "佐证材料过多")
	}
	for _, f := range c.Files {
		if err := CheckKey("evidence_file_ids", f.FileID); err != nil {
			return err
		}
	}
	return firstErr(
		checkText("unit", c.Unit, true, UnitMaxRunes, false),
		checkText("text", c.Text, true, ContributionMaxRunes, true),
		checkText("by", c.By, false, ActorMaxRunes, false),
	)
}
