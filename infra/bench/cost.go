package main

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// AWS's published on-demand prices, us-east-1, in US dollars, as of
// 2024-11 (DynamoDB on-demand prices were halved on 2024-11-01):
//   - DynamoDB on-demand: $0.625 per million write request units,
//     $0.125 per million read request units;
//   - Lambda, arm64: $0.0000133334 per GB-second, $0.20 per million
//     requests;
//   - API Gateway HTTP API: $1.00 per million requests (first 300 million).
//
// DynamoDB Streams reads by a Lambda trigger are free. SNS (one publish per
// summary) and the free tiers are left out.
const (
	priceWRU          = 0.625 / 1e6
	priceRRU          = 0.125 / 1e6
	priceGBSecondARM  = 0.0000133334
	priceLambdaInvoke = 0.20 / 1e6
	priceHTTPAPI      = 1.00 / 1e6
)

// stageCost is what one stage (collect, route, summarize) of handling a
// batch of suggestions used and costs.
type stageCost struct {
	Name        string
	Invocations int
	HTTPCalls   int
	BilledMS    float64 // summed billed duration (per invocation, rounded up to 1 ms)
	MemoryMB    int
	Usage       usage
}

func (s stageCost) usd() float64 {
	gbSeconds := s.BilledMS / 1000 * float64(s.MemoryMB) / 1024
	return s.Usage.WRU*priceWRU + s.Usage.RRU*priceRRU +
		gbSeconds*priceGBSecondARM + float64(s.Invocations)*priceLambdaInvoke + float64(s.HTTPCalls)*priceHTTPAPI
}

// billedMS is Lambda's billed duration for one invocation: rounded up to
// the millisecond.
func billedMS(d time.Duration) float64 {
	return math.Ceil(float64(d) / float64(time.Millisecond))
}

// functionMemory reads each function's MemorySize (MB) from template.yaml:
// its own or the Globals' one. Keys are the function directory names.
func functionMemory(tmpl []byte) (map[string]int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(tmpl, &doc); err != nil {
		return nil, fmt.Errorf("parse template.yaml: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("template.yaml is empty")
	}
	root := doc.Content[0]
	global := 128 // Lambda's default
	if n := path(root, "Globals", "Function", "MemorySize"); n != nil {
		v, err := strconv.Atoi(n.Value)
		if err != nil {
			return nil, fmt.Errorf("Globals.Function.MemorySize: %w", err)
		}
		global = v
	}
	out := map[string]int{}
	for fn, res := range map[string]string{"collect": "CollectFunction", "staff": "StaffFunction", "documents": "DocumentsFunction", "route": "RouteFunction", "summarize": "SummarizeFunction", "console": "ConsoleFunction", "check": "CheckFunction"} {
		out[fn] = global
		if n := path(root, "Resources", res, "Properties", "MemorySize"); n != nil {
			v, err := strconv.Atoi(n.Value)
			if err != nil {
				return nil, fmt.Errorf("%s.MemorySize: %w", res, err)
			}
			out[fn] = v
		}
	}
	return out, nil
}

// path walks mapping keys.
func path(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}
