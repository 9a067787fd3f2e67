// Package httpapi is Jianyan's HTTP layer: the public collection routes (the
// form, submissions, receipts) and the staff API, as plain net/http
// handlers. The same handlers run locally under net/http and on AWS Lambda
// behind API Gateway's HTTP API through the v2 proxy adapter; they route on
// method and raw path with one http.ServeMux each, so they serve the same
// whether API Gateway has one $default route or a route per path.
//
// Handlers decode, call feedback.Service once and encode. Errors carry a
// feedback error code, and statusOf is the one place codes become HTTP
// status codes; internal causes are logged once with the request ID and
// never shown. Personal data (name, organization, contact, content) is never
// logged.
//
// Pages are rendered by hand-written functions that escape with
// html.EscapeString into a strings.Builder instead of html/template: template
// execution uses reflection, which makes the linker keep every exported
// method and can double a Lambda binary.
//
// Decisions on the public collection routes:
//
//   - Channel: the QR code encodes exactly form_url, so a submission through
//     the public form counts as channel qr unless the form was opened with
//     ?via=web (the symposium's web_url, for links shared on a website or in
//     a message); the form then posts to ...?via=web. No referrer needed.
//   - Idempotency: the key comes from the idempotency_key field or the
//     Idempotency-Key header (both given and different → 400). A replay
//     within 24 hours answers 201 with the same body and the header
//     Idempotent-Replayed: true, and stores nothing. The same key with
//     different text is a reused form, not a retry: 409. The no-JavaScript
//     form carries a fresh server-made key; with JavaScript, form.js makes
//     one per draft and keeps it with the draft in localStorage.
//   - Honeypot: a filled "website" field is answered exactly like a success
//     (201 with a receipt, or 303 for a form post) and nothing is stored, so
//     a bot learns nothing. The field is off-screen, out of the tab order,
//     aria-hidden and autocomplete=off, so people do not fill it.
//   - Rate limits: see DefaultSubmitPerIP and its neighbours (ratelimit.go).
//   - A failed form post (JavaScript off) gets the form again with what was
//     typed and the error named (400), or a short page for other statuses.
package httpapi
