package main

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

func TestDurabilityFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
		err  bool
	}{
		{nil, "full", false},
		{[]string{"--durability=relaxed"}, "relaxed", false},
		{[]string{"--durability", "none"}, "", true},
	} {
		o, err := parseOptions(tt.args, func(string) string { return "" })
		if (err != nil) != tt.err || (err == nil && o.durability != tt.want) {
			t.Errorf("parseOptions(%q) = %q, %v; want %q, error %v", tt.args, o.durability, err, tt.want, tt.err)
		}
	}
}

// TestRelaxedDurabilityIsLoud checks that trading the flush away is logged
// as a warning, and that the default logs nothing of the kind.
func TestRelaxedDurabilityIsLoud(t *testing.T) {
	for _, tt := range []struct {
		durability string
		warn       bool
	}{{"full", false}, {"relaxed", true}} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		o := options{data: filepath.Join(t.TempDir(), "jianyan.db"), durability: tt.durability}
		b, err := openBackend(t.Context(), o, log)
		if err != nil {
			t.Fatalf("open with --durability=%s: %v", tt.durability, err)
		}
		b.close()
		got := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "--durability=relaxed")
		if got != tt.warn {
			t.Errorf("--durability=%s: warning logged %v, want %v; log:\n%s", tt.durability, got, tt.warn, logs.String())
		}
	}
}
