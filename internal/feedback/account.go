package feedback

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Account is a local staff account (the local stack's stand-in for the user
// pool). Only the token's hash is stored.
type Account struct {
	ID        string
	Name      string
	Role      Role
	Unit      string // for RoleUnit: the responsible unit it speaks for
	TokenHash string
	CreatedAt time.Time
	// Disabled accounts cannot sign in: an administrator stops a token
	// that left with a person (a liaison who moved on, a lost note).
	Disabled bool
}

// Validate checks an account before it is stored.
func (a *Account) Validate() error {
	if err := CheckKey("id", a.ID); err != nil {
		return err
	}
	if !a.Role.Valid() {
		return FieldErrorf("role", "角色应为管理员、工作人员或责任单位")
	}
	if a.Role == RoleUnit && a.Unit == "" {
		return FieldErrorf("unit", "责任单位账号须指定所属单位")
	}
	if len(a.TokenHash) != 64 || !ValidKey(a.TokenHash) {
		return FieldErrorf("token", "令牌摘要无效")
	}
	return firstErr(
		checkText("name", a.Name, true, NameMaxRunes, false),
		checkText("unit", a.Unit, false, UnitMaxRunes, false),
	)
}

// HashToken returns the stored form of a bearer token. Tokens are 256-bit
// random values, so an unsalted SHA-256 is enough to make a stolen database
// useless for signing in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a fresh bearer token: 256 random bits, URL-safe.
func NewToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return "jy_" + base64.RawURLEncoding.EncodeToString(b[:])
}
