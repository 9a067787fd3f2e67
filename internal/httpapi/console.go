package httpapi

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The staff console is a Vue application (the repository's ui/ folder)
// whose built files reach this package as an fs.FS: index.html and hashed
// assets under assets/. Its files carry no data — every request the
// console makes to the API sends the caller's bearer token — so they are
// served without authentication (on AWS by their own small function,
// routed without the JWT authorizer). Any other path under /console/ is
// the application's own route (/console/problems/…, the links in notices)
// and gets index.html, which opens that page after signing in.

// ConsoleConfig configures the console: its files and how staff sign in.
// Without AuthorizeURL, TokenURL and ClientID the console signs in with a
// pasted token (the local stack's accounts); with them it signs in through
// an OAuth 2.0 / OpenID Connect authorization server — the stack's Cognito
// user pool, or the office's own issuer (ExistingOidcIssuer) — with the
// authorization-code flow and PKCE, entirely in the browser: the client is
// public and has no secret.
type ConsoleConfig struct {
	// Files is the built console (ui.Dist()). nil serves no console: the
	// staff Lambda does not carry it.
	Files fs.FS

	AuthorizeURL string // e.g. https://xyz.auth.ap-east-1.amazoncognito.com/oauth2/authorize
	TokenURL     string // …/oauth2/token
	LogoutURL    string // …/logout (optional)
	ClientID     string
	Scopes       string // space-separated; "openid email profile" when empty
	// TokenUse is the token the console sends to the API: "access" (the
	// user pool's access token, which carries the groups) or "id" (an
	// external issuer's ID token, whose audience is the client ID).
	TokenUse string
	// LogoutRedirectParam names the logout URL's parameter that brings the
	// browser back: "logout_uri" for Cognito, "post_logout_redirect_uri"
	// for an OpenID Connect end-session endpoint.
	LogoutRedirectParam string
	// UserPool says the sign-in is the stack's own Cognito user pool
	// (COGNITO_*), whose groups the administrator sets in Cognito; false
	// with an AuthorizeURL is the office's own OpenID Connect provider
	// (OIDC_*), which puts the groups in the token itself. The accounts
	// page explains the one in use.
	UserPool bool
	// FilesOrigin is the files bucket's origin (https://bucket.s3.region.
	// amazonaws.com), which the console fetches thumbnails from; "" when
	// files come from the API's own origin (the local stack).
	FilesOrigin string
}

// ConsoleConfigFromEnv reads the console's sign-in from the environment,
// one of:
//
//   - COGNITO_DOMAIN (the user pool domain's origin, https://….amazoncognito.com
//     or a custom domain) and COGNITO_CLIENT_ID, optionally COGNITO_SCOPES:
//     the stack's own user pool;
//   - OIDC_AUTHORIZE_URL, OIDC_TOKEN_URL and OIDC_CLIENT_ID (https), and
//     optionally OIDC_LOGOUT_URL, OIDC_SCOPES and OIDC_TOKEN_USE (id, the
//     default, or access): an external OpenID Connect issuer;
//   - none: a pasted token.
//
// A half-set or mixed configuration, or a URL that is not https, is an
// error saying what to fix (in Chinese, for the operator). FILES_ORIGIN is
// read in every case; Files is left for the caller.
func ConsoleConfigFromEnv(getenv func(string) string) (ConsoleConfig, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	files := originOf(getenv("FILES_ORIGIN"))
	cognito := []string{"COGNITO_DOMAIN", "COGNITO_CLIENT_ID"}
	oidc := []string{"OIDC_AUTHORIZE_URL", "OIDC_TOKEN_URL", "OIDC_CLIENT_ID"}
	set := func(keys []string) (n int, missing []string) {
		for _, k := range keys {
			if env(k) != "" {
				n++
			} else {
				missing = append(missing, k)
			}
		}
		return n, missing
	}
	nc, missC := set(cognito)
	no, missO := set(oidc)
	oidcAny := no > 0
	for _, k := range []string{"OIDC_LOGOUT_URL", "OIDC_SCOPES", "OIDC_TOKEN_USE"} {
		oidcAny = oidcAny || env(k) != ""
	}
	switch {
	case nc > 0 && oidcAny:
		return ConsoleConfig{}, errors.New("工作台登录配置冲突:COGNITO_* 与 OIDC_* 只能设置一组")
	case nc > 0 && len(missC) > 0:
		return ConsoleConfig{}, fmt.Errorf("工作台登录配置不完整:还需设置 %s", strings.Join(missC, "、"))
	case oidcAny && len(missO) > 0:
		return ConsoleConfig{}, fmt.Errorf("工作台登录配置不完整:还需设置 %s", strings.Join(missO, "、"))
	case nc > 0:
		domain := strings.TrimRight(env("COGNITO_DOMAIN"), "/")
		if !strings.Contains(domain, "://") {
			domain = "https://" + domain
		}
		return ConsoleConfig{
			AuthorizeURL: domain + "/oauth2/authorize",
			TokenURL:     domain + "/oauth2/token",
			LogoutURL:    domain + "/logout",
			ClientID:     env("COGNITO_CLIENT_ID"),
			Scopes:       env("COGNITO_SCOPES"),
			TokenUse:     "access", LogoutRedirectParam: "logout_uri", UserPool: true,
			FilesOrigin: files,
		}, nil
	case oidcAny:
		c := ConsoleConfig{
			AuthorizeURL: env("OIDC_AUTHORIZE_URL"), TokenURL: env("OIDC_TOKEN_URL"), LogoutURL: env("OIDC_LOGOUT_URL"),
			ClientID: env("OIDC_CLIENT_ID"), Scopes: env("OIDC_SCOPES"), TokenUse: env("OIDC_TOKEN_USE"),
			LogoutRedirectParam: "post_logout_redirect_uri", FilesOrigin: files,
		}
		for k, v := range map[string]string{"OIDC_AUTHORIZE_URL": c.AuthorizeURL, "OIDC_TOKEN_URL": c.TokenURL, "OIDC_LOGOUT_URL": c.LogoutURL} {
			if u, err := url.Parse(v); v != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
				return ConsoleConfig{}, fmt.Errorf("工作台登录配置有误:%s 应为 https:// 开头的地址", k)
			}
		}
		switch c.TokenUse {
		case "":
			c.TokenUse = "id"
		case "id", "access":
		default:
			return ConsoleConfig{}, fmt.Errorf("工作台登录配置有误:OIDC_TOKEN_USE 只能是 id 或 access,不能是 %q", c.TokenUse)
		}
		return c, nil
	}
	return ConsoleConfig{FilesOrigin: files}, nil
}

// originOf is the scheme and host of an https URL, "" for anything else.
func originOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// consoleConfigJSON is GET /console/config.json.
type consoleConfigJSON struct {
	Auth                string `json:"auth"` // "token" or "oidc"
	AuthorizeURL        string `json:"authorize_url,omitempty"`
	TokenURL            string `json:"token_url,omitempty"`
	LogoutURL           string `json:"logout_url,omitempty"`
	ClientID            string `json:"client_id,omitempty"`
	Scopes              string `json:"scopes,omitempty"`
	TokenUse            string `json:"token_use,omitempty"`             // "access" or "id"
	LogoutRedirectParam string `json:"logout_redirect_param,omitempty"` // logout_uri or post_logout_redirect_uri
	Provider            string `json:"provider,omitempty"`              // "user_pool" (Cognito) or "issuer" (the office's own)
}

func (c ConsoleConfig) json() consoleConfigJSON {
	if c.AuthorizeURL == "" || c.TokenURL == "" || c.ClientID == "" {
		return consoleConfigJSON{Auth: "token"}
	}
	scopes := c.Scopes
	if scopes == "" {
		scopes = "openid email profile"
	}
	use, param := c.TokenUse, c.LogoutRedirectParam
	if use == "" {
		use = "access"
	}
	if param == "" {
		param = "logout_uri"
	}
	provider := "issuer"
	if c.UserPool {
		provider = "user_pool"
	}
	return consoleConfigJSON{Auth: "oidc", AuthorizeURL: c.AuthorizeURL, TokenURL: c.TokenURL,
		LogoutURL: c.LogoutURL, ClientID: c.ClientID, Scopes: scopes, TokenUse: use, LogoutRedirectParam: param, Provider: provider}
}

// csp is the console's Content-Security-Policy: scripts and styles only
// from this origin (no inline script or style element), images from here,
// data: URIs or blobs the console made (QR codes and photos fetched with
// the token), API calls to this origin, the files bucket (photos' bytes on
// AWS) and, with OIDC, the token endpoint.
func (c ConsoleConfig) csp() string {
	connect := "'self'"
	if c.FilesOrigin != "" {
		connect += " " + c.FilesOrigin
	}
	if c.json().Auth == "oidc" {
		if u, err := url.Parse(c.TokenURL); err == nil && u.Scheme != "" && u.Host != "" {
			connect += " " + u.Scheme + "://" + u.Host
		}
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; font-src 'self' data:; connect-src " + connect +
		"; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}

// console serves the console's routes.
type console struct {
	cfg  ConsoleConfig
	log  *slog.Logger
	gzip sync.Map // file name → gzipped bytes, made on first request
}

// NewConsoleHandler serves the console alone, for the console Lambda:
// /console, /console/config.json and every file and route under /console/.
// Every other path is 404.
func NewConsoleHandler(cfg ConsoleConfig, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	mux := http.NewServeMux()
	c := &console{cfg: cfg, log: log}
	c.routes(mux)
	openAPIRoutes(mux) // openapi.go: the API's document, also without credentials
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(log, w, r, notFoundRoute())
	})
	return common(log, mux)
}

func (c *console) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /console/config.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, c.cfg.json())
	})
	mux.HandleFunc("GET /console/{path...}", c.file)
}

// consoleTypes are the content types of the console's files; a file of
// another type is not served.
var consoleTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".woff2": "font/woff2",
	".json":  "application/json",
}

// compressible types are sent gzipped to browsers that accept it.
var compressible = map[string]bool{".html": true, ".js": true, ".css": true, ".svg": true, ".json": true}

func (c *console) file(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	asset := strings.HasPrefix(name, "assets/")
	ext := path.Ext(name)
	if name == "" || !asset && (ext == "" || ext == ".html") {
		// The application's own routes (and index.html itself).
		name = "index.html"
		ext = ".html"
	}
	ctype, ok := consoleTypes[ext]
	if !ok || c.cfg.Files == nil || !fs.ValidPath(name) || strings.HasPrefix(path.Base(name), ".") {
		writeError(c.log, w, r, notFoundRoute())
		return
	}
	b, err := fs.ReadFile(c.cfg.Files, name)
	if err != nil {
		writeError(c.log, w, r, notFoundRoute())
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Security-Policy", c.cfg.csp())
	if asset {
		// Hashed names: a new build has new names.
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	if compressible[ext] {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			b = c.gzipped(name, b)
			hd.Set("Content-Encoding", "gzip")
		}
	}
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b)
}

func (c *console) gzipped(name string, b []byte) []byte {
	if z, ok := c.gzip.Load(name); ok {
		return z.([]byte)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	z := buf.Bytes()
	c.gzip.Store(name, z)
	return z
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func notFoundRoute() error { return feedback.Errorf(feedback.ENotFound, "页面不存在") }
