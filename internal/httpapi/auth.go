package httpapi

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/jianyan/jianyan/internal/feedback"
)

// Authenticator finds the caller of a staff request. It returns an
// EUnauthorized error for missing or wrong credentials, and an Identity with
// an empty Role for a known caller without a role (answered 403).
type Authenticator interface {
	Authenticate(r *http.Request) (feedback.Identity, error)
}

func unauthorized() error {
	return feedback.Errorf(feedback.EUnauthorized, "请先登录")
}

// ClaimsAuth authenticates on AWS: API Gateway's JWT authorizer has checked
// the token, and the function reads the claims it put in the request
// context. Nothing else counts: a request without authorizer claims is
// refused, whatever headers it carries.
//
// Roles come from the user-pool groups in the cognito:groups claim: admin,
// staff and unit:<unit name>. The HTTP API hands claims over as strings and
// writes a list claim as "[admin unit:区市场监管局]" (space-separated in
// brackets); a JSON array is accepted too. Group names therefore must not
// contain spaces.
type ClaimsAuth struct{}

// Authenticate implements Authenticator.
func (ClaimsAuth) Authenticate(r *http.Request) (feedback.Identity, error) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil {
		return feedback.Identity{}, unauthorized()
	}
	claims := rc.Authorizer.JWT.Claims
	sub := claims["sub"]
	if sub == "" {
		return feedback.Identity{}, unauthorized()
	}
	id := feedback.Identity{Subject: sub}
	for _, k := range []string{"name", "cognito:username", "username", "email"} {
		if claims[k] != "" {
			id.Name = claims[k]
			break
		}
	}
	if id.Name == "" {
		id.Name = sub
	}
	id.Role, id.Unit = roleFromGroups(ParseGroups(claims["cognito:groups"]))
	return id, nil
}

// ParseGroups reads a cognito:groups claim as API Gateway delivers it:
// "[admin staff]", a JSON array, or a single bare group name.
func ParseGroups(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if strings.HasPrefix(s, "[") {
		var arr []string
		if json.Unmarshal([]byte(s), &arr) == nil {
			return arr
		}
		s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
}

// roleFromGroups picks the strongest role among the groups: admin, then
// staff, then the first unit:<name>.
func roleFromGroups(groups []string) (feedback.Role, string) {
	var unit string
	role := feedback.Role("")
	for _, g := range groups {
		g = strings.TrimSpace(g)
		switch {
		case g == string(feedback.RoleAdmin):
			return feedback.RoleAdmin, ""
		case g == string(feedback.RoleStaff):
			role = feedback.RoleStaff
		case strings.HasPrefix(g, "unit:") && len(g) > len("unit:") && unit == "":
			unit = strings.TrimPrefix(g, "unit:")
		}
	}
	if role == feedback.RoleStaff {
		return role, ""
	}
	if unit != "" {
		return feedback.RoleUnit, unit
	}
	return "", ""
}

// TokenAuth authenticates locally: Authorization: Bearer <token>, where the
// token is the admin token from configuration or an account's token, looked
// up by its hash (feedback.HashToken) and compared in constant time.
type TokenAuth struct {
	Store feedback.Store
	// AdminToken is the token printed on first start (JIANYAN_ADMIN_TOKEN);
	// "" disables it.
	AdminToken string
}

// maxTokenLen bounds what is hashed; real tokens are 43-64 characters.
const maxTokenLen = 512

// Authenticate implements Authenticator.
func (a *TokenAuth) Authenticate(r *http.Request) (feedback.Identity, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || len(tok) > maxTokenLen {
		return feedback.Identity{}, unauthorized()
	}
	hash := feedback.HashToken(tok)
	if a.AdminToken != "" {
		want := feedback.HashToken(a.AdminToken)
		if subtle.ConstantTimeCompare([]byte(hash), []byte(want)) == 1 {
			return feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin}, nil
		}
	}
	if a.Store == nil {
		return feedback.Identity{}, unauthorized()
	}
	acc, err := a.Store.GetAccountByTokenHash(r.Context(), hash)
	if err != nil {
		if feedback.IsCode(err, feedback.ENotFound) || feedback.IsCode(err, feedback.EInvalid) {
			return feedback.Identity{}, unauthorized()
		}
		return feedback.Identity{}, err
	}
	if subtle.ConstantTimeCompare([]byte(acc.TokenHash), []byte(hash)) != 1 || acc.Disabled {
		return feedback.Identity{}, unauthorized()
	}
	return feedback.Identity{Subject: acc.ID, Name: acc.Name, Role: acc.Role, Unit: acc.Unit}, nil
}
