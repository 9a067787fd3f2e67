package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// exportRun is the XLSX export's figures.
type exportRun struct {
	Rows      int
	FileBytes int
	PeakMB    float64 // the staff process's peak resident set (VmHWM), MiB
	IdleMB    float64 // its resident set after a first, small request
	MemoryMB  int     // the function's MemorySize in template.yaml
	Took      time.Duration
}

// exportPeak runs the staff function under the emulator on the staff data
// set's table, signs in as an administrator the way API Gateway's JWT
// authorizer hands claims over, exports the export symposium's
// suggestions as XLSX (GET /api/v1/suggestions.xlsx?symposium_id=…) and
// reads the function process's peak resident set from /proc. It checks
// that the file holds every row.
func exportPeak(ctx context.Context, l *lambdaEnv, d *staffData) (*exportRun, error) {
	want := 0
	for _, sg := range d.suggestions {
		if sg.SymposiumID == d.exportSymposium.ID {
			want++
		}
	}
	staff, err := startEmulator(ctx, l.rie, l.bins["staff"], l.memoryOf("staff"), l.env(false))
	if err != nil {
		return nil, err
	}
	defer staff.stop()
	if _, body, err := staff.firstResponse(ctx, staffEvent("/api/v1/labels", nil)); err != nil {
		return nil, err
	} else if err := checkStatus(body, 200); err != nil {
		return nil, fmt.Errorf("GET /api/v1/labels: %w", err)
	}
	_, idle, err := childRSS(staff.Pid(), "bootstrap")
	if err != nil {
		return nil, err
	}
	took, body, err := staff.timedInvoke(ctx, staffEvent("/api/v1/suggestions.xlsx", url.Values{"symposium_id": {d.exportSymposium.ID}}))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	peak, _, err := childRSS(staff.Pid(), "bootstrap")
	if err != nil {
		return nil, err
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("decode the export's response: %w", err)
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("export = %d (%s): %s", resp.StatusCode, resp.Headers["Location"], tail(resp.Body))
	}
	file := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if file, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return nil, fmt.Errorf("decode the export: %w", err)
		}
	}
	rows, err := xlsxRows(file)
	if err != nil {
		return nil, err
	}
	if rows != want+1 {
		return nil, fmt.Errorf("the export has %d rows, want %d suggestions and a header", rows, want)
	}
	return &exportRun{Rows: want, FileBytes: len(file), PeakMB: float64(peak) / (1 << 20), IdleMB: float64(idle) / (1 << 20),
		MemoryMB: l.memoryOf("staff"), Took: took}, nil
}

// staffEvent is an API Gateway HTTP API request to the staff function from
// an administrator, with the claims its JWT authorizer passes on.
func staffEvent(path string, query url.Values) []byte {
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path, RawQueryString: query.Encode(),
		Headers: map[string]string{"accept": "*/*", "host": "bench.execute-api.us-east-1.amazonaws.com", "user-agent": "jianyan-bench"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID: "123456789012", APIID: "bench", Stage: "$default", DomainName: "bench.execute-api.us-east-1.amazonaws.com",
			RequestID: fmt.Sprintf("bench-%d", rand.Int64()),
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.9", UserAgent: "jianyan-bench"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{"sub": "bench-admin", "cognito:username": "bench", "cognito:groups": "[admin]"}}},
			TimeEpoch: time.Now().UnixMilli(),
		},
	}
	if len(query) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k := range query {
			ev.QueryStringParameters[k] = query.Get(k)
		}
	}
	b, _ := json.Marshal(ev)
	return b
}

func checkStatus(body []byte, want int) error {
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("status %d: %s", resp.StatusCode, tail(resp.Body))
	}
	return nil
}

// xlsxRows counts the rows of the first worksheet of an XLSX file.
func xlsxRows(file []byte) (int, error) {
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return 0, fmt.Errorf("the export is not an XLSX file: %w", err)
	}
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return 0, err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			return 0, err
		}
		return strings.Count(string(b), "<row "), nil
	}
	return 0, fmt.Errorf("the export has no xl/worksheets/sheet1.xml")
}
