package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// httpEvent is an API Gateway HTTP API (payload 2.0) request event.
func httpEvent(method, path, sourceIP string, body []byte) []byte {
	ev := events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: "$default",
		RawPath:  path,
		Headers: map[string]string{
			"accept": "application/json", "content-type": "application/json",
			"host": "bench.execute-api.us-east-1.amazonaws.com", "x-forwarded-for": sourceIP,
			"x-forwarded-proto": "https", "user-agent": "jianyan-bench",
		},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID: "123456789012", APIID: "bench", Stage: "$default",
			DomainName: "bench.execute-api.us-east-1.amazonaws.com",
			RequestID:  fmt.Sprintf("bench-%d", rand.Int64()),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: sourceIP, UserAgent: "jianyan-bench",
			},
			TimeEpoch: time.Now().UnixMilli(),
		},
		Body: string(body),
	}
	b, _ := json.Marshal(ev)
	return b
}

// submissionBody is a typical public submission: about 150 characters of
// content, all personal fields filled, a fresh idempotency key.
func submissionBody(i int) []byte {
	b, _ := json.Marshal(map[string]string{
		"participant_kind": "enterprise",
		"kind":             "suggestion",
		"name":             "李明",
		"organization":     "某某机械制造有限公司",
		"contact":          "13812345678",
		"topic":            "涉企行政检查",
		"content": fmt.Sprintf("第%d条：建议对涉企行政检查实行“综合查一次”，减少多头检查、重复检查。"+
			"部分执法人员对小微企业门前三包问题直接罚款，没有先行教育提醒，建议推行首违不罚清单，"+
			"对轻微违法行为依法不予行政处罚，同时加强执法监督，畅通企业投诉渠道。", i),
		"idempotency_key": fmt.Sprintf("bench-%d-%d", i, rand.Int64()),
	})
	return b
}

// submitEvent is a submission to the symposium with code, from a client
// address of its own (each execution environment limits per address).
func submitEvent(code string, i int) []byte {
	ip := fmt.Sprintf("10.%d.%d.%d", rand.IntN(250)+1, rand.IntN(250)+1, rand.IntN(250)+1)
	return httpEvent("POST", "/api/v1/symposia/"+code+"/suggestions", ip, submissionBody(i))
}

// scheduledEvent is EventBridge Scheduler's event for the summarize
// function, as template.yaml sends it.
func scheduledEvent(at time.Time, detail string) []byte {
	return fmt.Appendf(nil, `{"version":"0","id":"bench","detail-type":"Scheduled Event","source":"aws.scheduler","account":"123456789012","time":%q,"region":%q,"resources":["arn:aws:scheduler:us-east-1:123456789012:schedule/default/bench"],"detail":%s}`,
		at.UTC().Format(time.RFC3339), region, detail)
}
