package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestSetAccountDisabled: an administrator stops an account and restores
// it; the account stays listed; nobody else may, and an administrator may
// not stop the account they are signed in with.
func TestSetAccountDisabled(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, _, err := f.svc.CreateAccount(ctx, f.admin, feedback.AccountInput{Name: "市场监管局联络员", Role: feedback.RoleUnit, Unit: unitMarket})
	if err != nil {
		t.Fatal(err)
	}
	stored := func() *feedback.Account {
		t.Helper()
		p, err := f.svc.ListAccounts(ctx, f.admin, 100, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range p.Items {
			if x.ID == a.ID {
				return x
			}
		}
		t.Fatalf("account %s is no longer listed", a.ID)
		return nil
	}
	got, err := f.svc.SetAccountDisabled(ctx, f.admin, a.ID, true)
	if err != nil || !got.Disabled || !stored().Disabled {
		t.Fatalf("stopped account = %+v, %v", got, err)
	}
	if byToken, err := f.store.GetAccountByTokenHash(ctx, a.TokenHash); err != nil || !byToken.Disabled {
		t.Errorf("the token's account = %+v, %v; want it stopped", byToken, err)
	}
	if got, err = f.svc.SetAccountDisabled(ctx, f.admin, a.ID, false); err != nil || got.Disabled || stored().Disabled {
		t.Errorf("restored account = %+v, %v", got, err)
	}
	for _, who := range []feedback.Identity{f.staff, f.unit, f.noRole} {
		_, err := f.svc.SetAccountDisabled(ctx, who, a.ID, true)
		if feedback.IsCode(err, feedback.EInvalid) || err == nil {
			t.Errorf("%s stops an account: %v", who.Name, err)
		}
	}
	if stored().Disabled {
		t.Errorf("an account was stopped by someone not an administrator")
	}
	self := f.admin
	self.Subject = a.ID
	_, err = f.svc.SetAccountDisabled(ctx, self, a.ID, true)
	wantCode(t, err, feedback.EInvalid)
	_, err = f.svc.SetAccountDisabled(ctx, f.admin, "01nosuchaccount", true)
	wantCode(t, err, feedback.ENotFound)
}
