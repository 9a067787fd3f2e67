package emulator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDeadLetterQueuesHaveAlarms reads template.yaml: every queue a
// function's events are dead-lettered into (the route function's stream
// failures, the check function's undelivered upload events) must have an
// alarm on its depth that fires on the first message and one on the age
// of its oldest message that fires while what it names can still be
// recovered (stream records and uploaded bytes are kept a day), both sent
// to the topic, each pointing to the README section that says what to
// do; and the route function's queue must have its scheduled redrive.
// moto has no CloudWatch, so this is what shows the alarms exist.
func TestDeadLetterQueuesHaveAlarms(t *testing.T) {
	resources := templateResources(t)
	// The queues: a stream's on-failure destination, an EventBridge
	// rule's dead-letter queue (SAM creates it under QueueLogicalId).
	queues := map[string]string{} // logical ID → function
	for id, r := range resources {
		if r.Type != "AWS::Serverless::Function" {
			continue
		}
		var fn struct {
			Events map[string]struct {
				Properties struct {
					DestinationConfig struct {
						OnFailure struct {
							Type        string    `yaml:"Type"`
							Destination yaml.Node `yaml:"Destination"`
						} `yaml:"OnFailure"`
					} `yaml:"DestinationConfig"`
					DeadLetterConfig struct {
						Type           string `yaml:"Type"`
						QueueLogicalId string `yaml:"QueueLogicalId"`
					} `yaml:"DeadLetterConfig"`
				} `yaml:"Properties"`
			} `yaml:"Events"`
		}
		if err := r.Properties.Decode(&fn); err != nil {
			t.Fatalf("template.yaml: %s: %v", id, err)
		}
		for name, ev := range fn.Events {
			if of := ev.Properties.DestinationConfig.OnFailure; of.Type == "SQS" {
				q, ok := strings.CutSuffix(of.Destination.Value, ".Arn")
				if of.Destination.Tag != "!GetAtt" || !ok {
					t.Errorf("%s event %s: on-failure destination %q, want !GetAtt <queue>.Arn", id, name, of.Destination.Value)
					continue
				}
				queues[q] = id
			}
			if dl := ev.Properties.DeadLetterConfig; dl.Type == "SQS" {
				if dl.QueueLogicalId == "" {
					t.Errorf("%s event %s: a dead-letter queue without QueueLogicalId cannot be named by an alarm", id, name)
					continue
				}
				queues[dl.QueueLogicalId] = id
			}
		}
	}
	for _, want := range []string{"RouteFunction", "CheckFunction"} {
		found := false
		for _, fn := range queues {
			found = found || fn == want
		}
		if !found {
			t.Errorf("no dead-letter queue of %s found in template.yaml (the test reads the wrong shape?)", want)
		}
	}

	type alarm struct {
		AlarmDescription   string  `yaml:"AlarmDescription"`
		Namespace          string  `yaml:"Namespace"`
		MetricName         string  `yaml:"MetricName"`
		Statistic          string  `yaml:"Statistic"`
		Threshold          float64 `yaml:"Threshold"`
		ComparisonOperator string  `yaml:"ComparisonOperator"`
		TreatMissingData   string  `yaml:"TreatMissingData"`
		Dimensions         []struct {
			Name  string    `yaml:"Name"`
			Value yaml.Node `yaml:"Value"`
		} `yaml:"Dimensions"`
		AlarmActions []yaml.Node `yaml:"AlarmActions"`
	}
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const section = `README, "The dead-letter queue"`
	if !strings.Contains(string(readme), "\n### The dead-letter queue\n") {
		t.Errorf("README.md has no section \"The dead-letter queue\", which the alarms point to")
	}
	const day = 24 * 60 * 60
	for q, fn := range queues {
		found := map[string]bool{}
		for id, r := range resources {
			if r.Type != "AWS::CloudWatch::Alarm" {
				continue
			}
			var a alarm
			if err := r.Properties.Decode(&a); err != nil {
				t.Fatalf("template.yaml: %s: %v", id, err)
			}
			if a.Namespace != "AWS/SQS" || len(a.Dimensions) != 1 || a.Dimensions[0].Name != "QueueName" ||
				a.Dimensions[0].Value.Tag != "!GetAtt" || a.Dimensions[0].Value.Value != q+".QueueName" {
				continue
			}
			switch a.MetricName {
			case "ApproximateNumberOfMessagesVisible":
				if a.Threshold != 1 {
					t.Errorf("%s: fires at %v messages in %s, want the first", id, a.Threshold, q)
				}
			case "ApproximateAgeOfOldestMessage":
				if a.Threshold <= 0 || a.Threshold >= day {
					t.Errorf("%s: fires when a message in %s is %v s old, want under a day (what it names is gone after a day)", id, q, a.Threshold)
				}
			default:
				continue
			}
			found[a.MetricName] = true
			if a.Statistic != "Maximum" || a.ComparisonOperator != "GreaterThanOrEqualToThreshold" || a.TreatMissingData != "notBreaching" {
				t.Errorf("%s: statistic %s, comparison %s, missing data %s; want Maximum, GreaterThanOrEqualToThreshold, notBreaching",
					id, a.Statistic, a.ComparisonOperator, a.TreatMissingData)
			}
			if !slices.ContainsFunc(a.AlarmActions, func(n yaml.Node) bool { return n.Tag == "!Ref" && n.Value == "Topic" }) {
				t.Errorf("%s: its actions do not notify the topic", id)
			}
			if !strings.Contains(a.AlarmDescription, section) {
				t.Errorf("%s: its description does not point to %s", id, section)
			}
			if !strings.Contains(string(readme), id) {
				t.Errorf("README.md does not name the alarm %s", id)
			}
		}
		for _, m := range []string{"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"} {
			if !found[m] {
				t.Errorf("%s (%s's dead letters) has no alarm on %s", q, fn, m)
			}
		}
	}

	// The route function's dead letters go back through routing on a
	// schedule: the summarize function's redrive task.
	redrive := false
	for id, r := range resources {
		if r.Type != "AWS::Scheduler::Schedule" {
			continue
		}
		var s struct {
			Target struct {
				Arn   yaml.Node `yaml:"Arn"`
				Input yaml.Node `yaml:"Input"`
			} `yaml:"Target"`
		}
		if err := r.Properties.Decode(&s); err != nil {
			t.Fatalf("template.yaml: %s: %v", id, err)
		}
		var in struct {
			Detail struct {
				Task string `json:"task"`
			} `json:"detail"`
		}
		if json.Unmarshal([]byte(s.Target.Input.Value), &in) != nil || in.Detail.Task != "redrive" {
			continue
		}
		redrive = true
		if s.Target.Arn.Value != "SummarizeFunction.Arn" {
			t.Errorf("%s: the redrive task goes to %s, want SummarizeFunction", id, strconv.Quote(s.Target.Arn.Value))
		}
	}
	if !redrive {
		t.Errorf("no schedule sends the redrive task")
	}
}
