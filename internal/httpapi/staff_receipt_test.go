package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSuggestionByReceipt: the office finds a suggestion by the receipt
// number a submitter reads out, however it was typed; an unknown or
// malformed one is an empty list; a unit account may not look up.
func TestSuggestionByReceipt(t *testing.T) {
	fx := newExportFixture(t)
	e := fx.env
	sg := fx.sg["a"]
	sloppy := " " + strings.ToLower(strings.ReplaceAll(sg.Receipt, "-", "")) + " "
	for _, tc := range []struct {
		name, receipt, token string
		status               int
		want                 []string
	}{
		{"as printed", sg.Receipt, exportAdminToken, 200, []string{sg.ID}},
		{"lower case, no dashes, spaces", sloppy, exportAdminToken, 200, []string{sg.ID}},
		{"unknown", "ZZZZ-ZZZZ-ZZZZ", exportAdminToken, 200, nil},
		{"malformed", "不是回执号", exportAdminToken, 200, nil},
		{"unit account", sg.Receipt, exportUnitToken, 403, nil},
	} {
		resp := e.do(t, "GET", "/api/v1/suggestions?status=declined&receipt="+url.QueryEscape(tc.receipt), tc.token, "", "")
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
			continue
		}
		if tc.status != http.StatusOK {
			continue
		}
		var page struct {
			Items []struct{ ID, Receipt string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
