package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestMe: the console learns the caller's role (and unit) to shape its
// menu; without credentials it is 401 like every staff route.
func TestMe(t *testing.T) {
	e := newExportEnv(t)
	for _, tc := range []struct {
		name, token string
		want        map[string]string
	}{
		{"admin token", exportAdminToken, map[string]string{"name": "admin", "role": "admin", "unit": "", "accounts": "local"}},
		{"unit account", exportUnitToken, map[string]string{"name": "市场监管局联络员", "role": "unit", "unit": exportUnitName, "accounts": "local"}},
	} {
		resp := e.do(t, "GET", "/api/v1/me", tc.token, "", "")
		var got map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, %v", tc.name, resp.StatusCode, err)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got[k], v)
			}
		}
	}
	if resp := e.do(t, "GET", "/api/v1/me", "", "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a token: status %d, want 401", resp.StatusCode)
	}
}
