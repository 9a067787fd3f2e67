package feedback

import "slices"

// ParticipantKind is who a submitter is (参会身份).
type ParticipantKind string

// Participant kinds.
const (
	NPCDeputy   ParticipantKind = "npc_deputy"   // 人大代表
	CPPCCMember ParticipantKind = "cppcc_member" // 政协委员
	Enterprise  ParticipantKind = "enterprise"   // 企业代表
	Community   ParticipantKind = "community"    // 村(社区)代表
	Public      ParticipantKind = "public"       // 群众/其他
)

// ParticipantKinds lists every participant kind in display order.
var ParticipantKinds = []ParticipantKind{NPCDeputy, CPPCCMember, Enterprise, Community, Public}

// Valid reports whether k is a known participant kind.
func (k ParticipantKind) Valid() bool { return slices.Contains(ParticipantKinds, k) }

// SuggestionKind tells a suggestion (意见建议) from a problem lead (问题线索).
type SuggestionKind string

// Suggestion kinds.
const (
	KindSuggestion  SuggestionKind = "suggestion"   // 意见建议
	KindProblemLead SuggestionKind = "problem_lead" // 问题线索
)

// SuggestionKinds lists every suggestion kind in display order.
var SuggestionKinds = []SuggestionKind{KindSuggestion, KindProblemLead}

// Valid reports whether k is a known suggestion kind.
func (k SuggestionKind) Valid() bool { return k == KindSuggestion || k == KindProblemLead }

// Channel is how a suggestion reached us.
type Channel string

// Channels.
const (
	ChannelQR         Channel = "qr"          // scanned the symposium's QR code
	ChannelWeb        Channel = "web"         // opened the form link some other way
	ChannelStaffEntry Channel = "staff_entry" // typed in by staff from paper
	ChannelImport     Channel = "import"      // imported from a CSV or XLSX file
)

// Channels lists every channel.
var Channels = []Channel{ChannelQR, ChannelWeb, ChannelStaffEntry, ChannelImport}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelQR, ChannelWeb, ChannelStaffEntry, ChannelImport:
		return true
	}
	return false
}

// Role is what a staff account may do.
type Role string

// Roles.
const (
	RoleAdmin Role = "admin" // everything, including accounts, routing rules and closing symposia
	RoleStaff Role = "staff" // the office's clerks: everything but administration
	RoleUnit  Role = "unit"  // a responsible unit: only its own problems, contacts masked
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleStaff || r == RoleUnit }
