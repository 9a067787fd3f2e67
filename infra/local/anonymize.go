package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// runAnonymize is the `anonymize` subcommand: it erases the name,
// organization and contact, and removes the photos, of every suggestion
// submitted more than
// --older-than ago (feedback.Service.AnonymizePersonalData), on the SQLite
// file or, with --dynamodb, the DynamoDB table (AWS_ENDPOINT_URL_DYNAMODB,
// TABLE_NAME, the usual AWS credentials). It runs as an administrator named
// "command line" in the audit event. It is idempotent: run it from cron.
//
//	jianyan-local anonymize --older-than 730d --data jianyan.db
func runAnonymize(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var o options
	var olderThan string
	fs := flag.NewFlagSet("jianyan-local anonymize", flag.ContinueOnError)
	fs.StringVar(&o.data, "data", "jianyan.db", "SQLite data file")
	fs.BoolVar(&o.useDynamoDB, "dynamodb", false, "anonymize in DynamoDB (AWS_ENDPOINT_URL_DYNAMODB, TABLE_NAME) instead of SQLite")
	fs.StringVar(&olderThan, "older-than", "", "retention period: suggestions submitted longer ago lose their personal data (e.g. 730d, 8760h)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("anonymize: unexpected arguments %q", fs.Args())
	}
	retention, err := parseRetention(olderThan)
	if err != nil {
		return err
	}
	o.table = getenv("TABLE_NAME")
	if o.table == "" {
		o.table = "jianyan"
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	backend, err := openBackend(ctx, o, logger)
	if err != nil {
		return err
	}
	defer backend.close()
	// Problem leads' photos are removed with the rest: the files folder
	// beside --data.
	files, _, err := openFiles(backend.store, o, logger) // files.go
	if err != nil {
		return err
	}
	svc := feedback.NewService(backend.store, feedback.Config{Logger: logger, Files: files})
	admin := feedback.Identity{Subject: "cli", Name: "command line", Role: feedback.RoleAdmin}
	c, err := svc.AnonymizePersonalData(ctx, admin, retention)
	if c.AuditID != "" {
		fmt.Fprintf(stdout, "suggestions submitted before %s: %d examined, %d anonymized, %d failed (audit event %s)\n",
			c.Cutoff.In(feedback.Shanghai).Format(time.RFC3339), c.Examined, c.Anonymized, c.Failed, c.AuditID)
	}
	return err
}

// parseRetention reads a retention period: a number of days ("730d") or a
// Go duration ("17520h").
func parseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("anonymize: --older-than is required (e.g. 730d)")
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 36500 {
			return 0, fmt.Errorf("anonymize: --older-than %q: want a whole number of days from 1 to 36500, e.g. 730d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < feedback.MinRetention {
		return 0, fmt.Errorf("anonymize: --older-than %q: want days (730d) or a duration of at least %s", s, feedback.MinRetention)
	}
	return d, nil
}
