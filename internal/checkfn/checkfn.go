// Package checkfn is the handler of the check function: it is invoked when
// an object is created under uploads/ in the files bucket, and it judges the
// bytes (feedback.Files.CheckUpload: type from the bytes, images re-encoded
// without metadata, the file marked ready or rejected). The staff function
// therefore never decodes an image.
//
// It takes both shapes S3 reports an object in: the EventBridge "Object
// Created" event (what template.yaml wires, because a direct bucket
// notification would make the bucket and the function's policy depend on
// each other) and the classic S3 notification with Records. An error makes
// the invoker retry; CheckUpload leaves a file it already judged as it is,
// so a retry repeats nothing.
package checkfn

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Handler checks the uploads an event reports.
type Handler struct {
	Files  *feedback.Files
	Logger *slog.Logger
}

// objectCreated is the EventBridge event S3 sends for a new object.
type objectCreated struct {
	DetailType string    `json:"detail-type"`
	Time       time.Time `json:"time"`
	Detail     struct {
		Object struct {
			Key string `json:"key"`
		} `json:"object"`
	} `json:"detail"`
}

type object struct {
	key string // as S3 reports it
	at  time.Time
}

// Handle is the Lambda entry point.
func (h Handler) Handle(ctx context.Context, raw json.RawMessage) error {
	var objects []object
	var probe struct {
		Records    []json.RawMessage `json:"Records"`
		DetailType string            `json:"detail-type"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return fmt.Errorf("decode event: %w", err)
	}
	switch {
	case probe.Records != nil:
		var ev events.S3Event
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("decode S3 event: %w", err)
		}
		for _, r := range ev.Records {
			// Notifications URL-encode keys ("+" for a space).
			key, err := url.QueryUnescape(r.S3.Object.Key)
			if err != nil {
				key = r.S3.Object.Key
			}
			objects = append(objects, object{key, r.EventTime})
		}
	case probe.DetailType == "Object Created":
		var ev objectCreated
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("decode EventBridge event: %w", err)
		}
		objects = append(objects, object{ev.Detail.Object.Key, ev.Time})
	default:
		h.Logger.WarnContext(ctx, "ignoring an event that reports no object", "detail_type", probe.DetailType)
	}
	for _, o := range objects {
		if err := h.check(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

func (h Handler) check(ctx context.Context, o object) error {
	id := feedback.UploadFileID(o.key)
	if id == "" {
		h.Logger.WarnContext(ctx, "ignoring an object outside uploads/", "key", o.key)
		return nil
	}
	f, err := h.Files.CheckUpload(ctx, id, o.at)
	switch {
	case feedback.IsCode(err, feedback.ENotFound):
		// No record (swept) or no object (checked before and removed).
		h.Logger.WarnContext(ctx, "upload without a record or object", "file", id)
		return nil
	case err != nil:
		return fmt.Errorf("check upload %s: %w", id, err)
	}
	h.Logger.InfoContext(ctx, "upload checked", "file", id, "status", f.Status, "type", f.ContentType, "size", f.Size)
	return nil
}
