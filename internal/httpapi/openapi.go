package httpapi

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPIDoc is the OpenAPI 3 document of the whole API, public and staff.
// Tests keep it in step with the routes: every path and method in it
// answers, and every registered route is in it.
//
//go:embed openapi.yaml
var openAPIDoc []byte

// openAPIRoutes serves the document without credentials: it describes the
// API and holds no data, and tools (and the console) read it before anyone
// signs in. The console's function serves it on AWS (routed without the
// JWT authorizer) and the local stack beside everything else; the staff
// function does not carry it, so the document's growth costs its binary
// nothing (the staff binary is the one near its size budget).
func openAPIRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Type", "application/yaml; charset=utf-8")
		hd.Set("Cache-Control", "no-cache")
		hd.Set("Content-Length", strconv.Itoa(len(openAPIDoc)))
		_, _ = w.Write(openAPIDoc)
	})
}
