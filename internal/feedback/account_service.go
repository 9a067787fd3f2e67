package feedback

import (
	"context"
	"fmt"
)

// AccountInput is what an administrator gives to create a local account.
type AccountInput struct {
	Name string
	Role Role
	Unit string // required for RoleUnit, refused for the others
}

// CreateAccount creates a local staff account (the local stack's stand-in
// for a user-pool user) and returns it with its bearer token. The token is
// shown this once: only its hash (HashToken) is stored, so a lost token is
// replaced by a new account, not recovered. Administrators only.
func (s *Service) CreateAccount(ctx context.Context, id Identity, in AccountInput) (*Account, string, error) {
	if err := requireAdminRole(id); err != nil {
		return nil, "", err
	}
	in.Name, in.Unit = CleanText(in.Name), CleanText(in.Unit)
	if in.Name == "" {
		return nil, "", FieldErrorf("name", "请填写姓名")
	}
	if !in.Role.Valid() {
		return nil, "", FieldErrorf("role", "角色应为管理员、工作人员或责任单位")
	}
	if in.Role != RoleUnit && in.Unit != "" {
		return nil, "", FieldErrorf("unit", "只有责任单位账号需要填写所属单位")
	}
	if err := s.requireUnits(ctx, "unit", in.Unit); err != nil {
		return nil, "", err
	}
	token := NewToken()
	now := s.now()
	a := &Account{ID: NewID(now), Name: in.Name, Role: in.Role, Unit: in.Unit, TokenHash: HashToken(token), CreatedAt: now}
	if err := a.Validate(); err != nil {
		return nil, "", err
	}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		return nil, "", fmt.Errorf("create account: %w", err)
	}
	s.log.InfoContext(ctx, "account created", "account_id", a.ID, "role", a.Role, "by", actorName(id))
	return a, token, nil
}

// ListAccounts lists the local accounts, oldest first. The items carry
// token hashes (the store's form); callers must not show them.
// Administrators only.
func (s *Service) ListAccounts(ctx context.Context, id Identity, limit int, cursor string) (Page[*Account], error) {
	if err := requireAdminRole(id); err != nil {
		return Page[*Account]{}, err
	}
	p, err := s.store.ListAccounts(ctx, limit, cursor)
	if err != nil {
		return p, fmt.Errorf("list accounts: %w", err)
	}
	return p, nil
}

// SetAccountDisabled stops (disabled true) or restores a local account's
// sign-in: its token is refused from the next request on. The account
// stays, so its name still explains what it did. An administrator cannot
// stop the account they are signed in with. Administrators only.
func (s *Service) SetAccountDisabled(ctx context.Context, id Identity, accountID string, disabled bool) (*Account, error) {
	if err := requireAdminRole(id); err != nil {
		return nil, err
	}
	if disabled && id.Subject == accountID {
		return nil, FieldErrorf("disabled", "不能停用自己正在使用的账号")
	}
	var a *Account
	for cursor := ""; a == nil; {
		p, err := s.store.ListAccounts(ctx, MaxListLimit, cursor)
		if err != nil {
			return nil, fmt.Errorf("set account disabled: %w", err)
		}
		for _, x := range p.Items {
			if x.ID == accountID {
				a = x
			}
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if a == nil {
		return nil, NotFound("account", accountID)
	}
	if a.Disabled == disabled {
		return a, nil
	}
	a.Disabled = disabled
	if err := s.store.UpdateAccount(ctx, a); err != nil {
		return nil, fmt.Errorf("set account disabled: %w", err)
	}
	s.log.InfoContext(ctx, "account sign-in changed", "account_id", a.ID, "disabled", disabled, "by", actorName(id))
	return a, nil
}
