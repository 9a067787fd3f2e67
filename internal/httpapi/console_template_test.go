package httpapi_test

import (
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	jianyan "github.com/jianyan/jianyan"
)

// TestTemplateGivesTheConsoleItsSignIn: the template hands the console
// function every variable ConsoleConfigFromEnv reads — the user pool's and
// an external issuer's — and refuses an external issuer without the
// console's sign-in and token endpoints, so the console on AWS never falls
// back to a pasted token.
func TestTemplateGivesTheConsoleItsSignIn(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal(jianyan.Template, &doc); err != nil {
		t.Fatal(err)
	}
	at := func(n *yaml.Node, path ...string) *yaml.Node {
		for _, key := range path {
			if n.Kind == yaml.DocumentNode {
				n = n.Content[0]
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = n.Content[i+1]
				}
			}
			if next == nil {
				t.Fatalf("template.yaml has no %s", strings.Join(path, "."))
			}
			n = next
		}
		return n
	}
	vars := at(&doc, "Resources", "ConsoleFunction", "Properties", "Environment", "Variables")
	var names []string
	for i := 0; i < len(vars.Content); i += 2 {
		names = append(names, vars.Content[i].Value)
	}
	for _, want := range []string{"COGNITO_DOMAIN", "COGNITO_CLIENT_ID", "OIDC_AUTHORIZE_URL", "OIDC_TOKEN_URL", "OIDC_LOGOUT_URL",
		"OIDC_CLIENT_ID", "OIDC_SCOPES", "OIDC_TOKEN_USE", "FILES_ORIGIN"} {
		if !slices.Contains(names, want) {
			t.Errorf("ConsoleFunction's environment lacks %s", want)
		}
	}
	var rule strings.Builder
	for _, n := range at(&doc, "Rules", "OidcAudience", "Assertions").Content {
		b, _ := yaml.Marshal(n)
		rule.Write(b)
	}
	for _, p := range []string{"ExistingOidcAudience", "ExistingOidcAuthorizeURL", "ExistingOidcTokenURL"} {
		if !strings.Contains(rule.String(), p) {
			t.Errorf("the OidcAudience rule does not require %s with ExistingOidcIssuer", p)
		}
	}
}
