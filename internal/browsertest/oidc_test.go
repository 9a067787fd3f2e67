package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/httpapi"
)

// issuer is a stand-in for the office's OpenID Connect provider: its
// authorization endpoint signs anyone in at once and sends the browser back
// with a code; its token endpoint (answering CORS, as the README asks of a
// real one) trades the code for tokens after checking the PKCE verifier is
// there. Its ID token is the local admin token, which the local stack
// accepts as a bearer; its access token is not, unless access says
// otherwise (standing in for a user pool, whose access token the API takes).
type issuer struct {
	*httptest.Server
	access   string
	mu       sync.Mutex
	redirect string
	logouts  []url.Values
}

func newIssuer(t *testing.T) *issuer {
	is := &issuer{access: "not-for-the-api"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("client_id") != "jianyan-console" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		is.mu.Lock()
		is.redirect = q.Get("redirect_uri")
		is.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=good-code&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		if r.Method == http.MethodOptions {
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("code") != "good-code" || r.PostForm.Get("code_verifier") == "" ||
			r.PostForm.Get("grant_type") != "authorization_code" {
			http.Error(w, "bad token request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"id_token": adminToken, "access_token": is.access, "token_type": "Bearer"})
	})
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		is.logouts = append(is.logouts, r.URL.Query())
		is.mu.Unlock()
		_, _ = w.Write([]byte(`<!doctype html><html lang="zh-CN"><title>已退出</title><p>已退出</p></html>`))
	})
	is.Server = httptest.NewServer(mux)
	t.Cleanup(is.Close)
	return is
}

// TestConsoleSignInThroughIssuer: with the office's own OpenID Connect
// provider configured (the template's ExistingOidc* parameters), the
// console offers no pasted token: 登录 goes to the provider, comes back,
// trades the code for the ID token (token_use id), opens the page asked
// for, and 退出登录 ends the provider's session too.
func TestConsoleSignInThroughIssuer(t *testing.T) {
	requireChromium(t)
	is := newIssuer(t)
	e := newEnv(t, func(sc *httpapi.StaffConfig) {
		c := &sc.Console
		c.AuthorizeURL, c.TokenURL, c.LogoutURL = is.URL+"/auth", is.URL+"/token", is.URL+"/logout"
		c.ClientID, c.TokenUse, c.LogoutRedirectParam = "jianyan-console", "id", "post_logout_redirect_uri"
		// Staff are the provider's users, not local accounts, as on AWS.
		sc.Auth = &httpapi.TokenAuth{AdminToken: adminToken}
	})
	ctx := startBrowser(t, 90*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "open a page before signing in", chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.url+"/console/problems"), chromedp.WaitVisible(chromedp.CSS("#oidc-login")))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("input[name=token]").length`)); n != 0 {
		t.Errorf("the sign-in page offers a pasted token")
	}
	checkPage(t, ctx, dir, "console-login-oidc")
	do(t, ctx, "sign in", chromedp.Click(chromedp.CSS("#oidc-login")))
	waitJS(t, ctx, "back on the page asked for", `location.pathname === "/console/problems" && document.querySelector("#view-lookback") !== null`)
	if tok, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("jianyan.token")`)); tok != adminToken {
		t.Errorf("the console holds %q, want the ID token", tok)
	}
	is.mu.Lock()
	if is.redirect != e.url+"/console/" {
		t.Errorf("redirect_uri = %q, want %s/console/", is.redirect, e.url)
	}
	is.mu.Unlock()
	// 账号管理 explains the provider's groups instead of making accounts,
	// and names no user pool: there is none.
	do(t, ctx, "accounts", chromedp.Click(chromedp.CSS(`[data-nav="accounts"]`)), chromedp.WaitVisible(chromedp.CSS("#sign-in-groups")))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#create-account").length`)); n != 0 {
		t.Errorf("the accounts page offers to make local accounts")
	}
	groupsExplained(t, ctx, "issuer", []string{"本单位的身份认证系统", "cognito:groups", "unit:单位名称"}, []string{"用户池", "临时密码"})
	checkPage(t, ctx, dir, "console-accounts-issuer")
	do(t, ctx, "单位名称迁移", chromedp.Click(chromedp.CSS(`[data-nav="units"]`)), chromedp.WaitVisible(chromedp.CSS("#open-migration")),
		chromedp.Click(chromedp.CSS("#open-migration")), chromedp.WaitVisible(chromedp.CSS("#unit-groups-note")))
	waitJS(t, ctx, "unit groups kept at the provider", `document.querySelector("#unit-groups-note").innerText.includes("本单位身份认证系统中的组")`)

	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")))
	waitJS(t, ctx, "the provider's logout", `location.href.startsWith("`+is.URL+`/logout")`)
	is.mu.Lock()
	defer is.mu.Unlock()
	if len(is.logouts) != 1 || is.logouts[0].Get("post_logout_redirect_uri") != e.url+"/console/" ||
		is.logouts[0].Get("id_token_hint") != adminToken || is.logouts[0].Get("client_id") != "jianyan-console" {
		t.Errorf("logout = %v", is.logouts)
	}
}

// TestConsoleAccountsUserPool: with the stack's own Cognito user pool
// (COGNITO_*), 账号管理 says staff are user-pool users put in groups there;
// a page opened afresh after signing in knows it too, and 退出登录 from it
// ends the hosted page's session.
func TestConsoleAccountsUserPool(t *testing.T) {
	requireChromium(t)
	is := newIssuer(t)
	is.access = adminToken // the user pool's access token is what the API takes
	e := newEnv(t, func(sc *httpapi.StaffConfig) {
		c := &sc.Console
		c.AuthorizeURL, c.TokenURL, c.LogoutURL = is.URL+"/auth", is.URL+"/token", is.URL+"/logout"
		c.ClientID, c.TokenUse, c.LogoutRedirectParam, c.UserPool = "jianyan-console", "access", "logout_uri", true
		sc.Auth = &httpapi.TokenAuth{AdminToken: adminToken}
	})
	ctx := startBrowser(t, 90*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "sign in", chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.url+"/console/problems"), chromedp.WaitVisible(chromedp.CSS("#oidc-login")), chromedp.Click(chromedp.CSS("#oidc-login")))
	waitJS(t, ctx, "signed in", `location.pathname === "/console/problems" && document.querySelector("#view-lookback") !== null`)
	do(t, ctx, "accounts, opened afresh", chromedp.Navigate(e.url+"/console/accounts"), chromedp.WaitVisible(chromedp.CSS("#sign-in-groups")))
	groupsExplained(t, ctx, "user_pool", []string{"Cognito 用户池", "加入以下用户组之一", "临时密码"}, []string{"身份认证系统", "cognito:groups"})
	checkPage(t, ctx, dir, "console-accounts-user-pool")
	do(t, ctx, "单位名称迁移", chromedp.Navigate(e.url+"/console/unit-migration"), chromedp.WaitVisible(chromedp.CSS("#unit-groups-note")))
	waitJS(t, ctx, "unit groups kept in the user pool", `document.querySelector("#unit-groups-note").innerText.includes("用户池中的用户组")`)

	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")))
	waitJS(t, ctx, "the hosted page's logout", `location.href.startsWith("`+is.URL+`/logout")`)
	is.mu.Lock()
	defer is.mu.Unlock()
	if len(is.logouts) != 1 || is.logouts[0].Get("logout_uri") != e.url+"/console/" {
		t.Errorf("logout = %v", is.logouts)
	}
}

// groupsExplained checks 账号管理's explanation is the one for provider
// ("user_pool" or "issuer"): it says each of want and none of not.
func groupsExplained(t *testing.T, ctx context.Context, provider string, want, not []string) {
	t.Helper()
	waitJS(t, ctx, "the "+provider+" explanation", `document.querySelector("#sign-in-groups").dataset.provider === `+jsString(provider))
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#sign-in-groups").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("账号管理 (%s) does not say %q: %s", provider, w, text)
		}
	}
	for _, n := range not {
		if strings.Contains(text, n) {
			t.Errorf("账号管理 (%s) says %q: %s", provider, n, text)
		}
	}
}
