package httpapi

import (
	"embed"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// The staff console is a small single-page application in plain ES modules
// (no build step, no CDN), embedded in the binary and served by the staff
// handler at /console/. Its files carry no data: every request it makes to
// the API sends the caller's bearer token, so the files themselves are
// served without authentication (on AWS these routes bypass the JWT
// authorizer; a browser navigation carries no token).

//go:embed console
var consoleFS embed.FS

// ConsoleConfig tells the console how staff sign in. The zero value means
// a pasted token (the local stack's accounts); with AuthorizeURL set the
// console signs in through an OAuth 2.0 authorization server (the Cognito
// user pool's hosted UI) with the authorization-code flow and PKCE, entirely
// in the browser: the app client is public and has no secret.
type ConsoleConfig struct {
	AuthorizeURL string // e.g. https://xyz.auth.ap-east-1.amazoncognito.com/oauth2/authorize
	TokenURL     string // …/oauth2/token
	LogoutURL    string // …/logout (optional)
	ClientID     string
	Scopes       string // space-separated; "openid email profile" when empty
}

// ConsoleConfigFromEnv reads the console's sign-in from the environment:
// COGNITO_DOMAIN (the user pool domain's origin, https://….amazoncognito.com
// or a custom domain) and COGNITO_CLIENT_ID, optionally COGNITO_SCOPES.
// Without both it returns the zero value (token sign-in).
func ConsoleConfigFromEnv(getenv func(string) string) ConsoleConfig {
	domain := strings.TrimRight(strings.TrimSpace(getenv("COGNITO_DOMAIN")), "/")
	client := strings.TrimSpace(getenv("COGNITO_CLIENT_ID"))
	if domain == "" || client == "" {
		return ConsoleConfig{}
	}
	if !strings.Contains(domain, "://") {
		domain = "https://" + domain
	}
	return ConsoleConfig{
		AuthorizeURL: domain + "/oauth2/authorize",
		TokenURL:     domain + "/oauth2/token",
		LogoutURL:    domain + "/logout",
		ClientID:     client,
		Scopes:       strings.TrimSpace(getenv("COGNITO_SCOPES")),
	}
}

// consoleConfigJSON is GET /console/config.json.
type consoleConfigJSON struct {
	Auth         string `json:"auth"` // "token" or "oidc"
	AuthorizeURL string `json:"authorize_url,omitempty"`
	TokenURL     string `json:"token_url,omitempty"`
	LogoutURL    string `json:"logout_url,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	Scopes       string `json:"scopes,omitempty"`
}

func (c ConsoleConfig) json() consoleConfigJSON {
	if c.AuthorizeURL == "" || c.TokenURL == "" || c.ClientID == "" {
		return consoleConfigJSON{Auth: "token"}
	}
	scopes := c.Scopes
	if scopes == "" {
		scopes = "openid email profile"
	}
	return consoleConfigJSON{Auth: "oidc", AuthorizeURL: c.AuthorizeURL, TokenURL: c.TokenURL,
		LogoutURL: c.LogoutURL, ClientID: c.ClientID, Scopes: scopes}
}

// csp is the console's Content-Security-Policy: scripts and styles only
// from this origin (no inline script or style at all), images from here or
// blobs the console made (QR codes fetched with the token), API calls to
// this origin and, with OIDC, the token endpoint.
func (c ConsoleConfig) csp() string {
	connect := "'self'"
	if c.json().Auth == "oidc" {
		if u, err := url.Parse(c.TokenURL); err == nil && u.Scheme != "" && u.Host != "" {
			connect += " " + u.Scheme + "://" + u.Host
		}
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src " + connect +
		"; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}

func (h *StaffHandler) consoleRoutes() {
	h.mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusMovedPermanently)
	})
	h.mux.HandleFunc("GET /console/{$}", h.consoleFile)
	h.mux.HandleFunc("GET /console/{file}", h.consoleFile)
	h.mux.HandleFunc("GET /console/config.json", h.consoleConfig)
}

func (h *StaffHandler) consoleConfig(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.console.json())
}

// consoleTypes are the content types of the console's files; any other
// name is 404.
var consoleTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

func (h *StaffHandler) consoleFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name == "" {
		name = "index.html"
	}
	ctype, ok := consoleTypes[path.Ext(name)]
	if !ok || strings.HasPrefix(name, ".") {
		h.notFound(w, r)
		return
	}
	b, err := consoleFS.ReadFile("console/" + name)
	if err != nil {
		h.notFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Security-Policy", h.console.csp())
	// The files change with each deployment; revalidate rather than pin.
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
