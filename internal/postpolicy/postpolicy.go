// Package postpolicy writes and checks browser-upload forms in the format of
// Amazon S3's POST Object with Signature Version 4: a base64 JSON policy
// (expiration and conditions) signed with a SigV4 signing key.
//
// The S3 adapter signs its presigned POSTs with it, so the staff function
// does not link the S3 SDK (service/s3 adds 1.2 MB to a binary whose budget
// it would break); the local disk adapter both signs and verifies with it,
// so the local stack's upload route accepts exactly the forms S3 accepts and
// refuses what S3 refuses (expired, over the size range, another content
// type, a field the policy does not cover, a bad signature).
//
// The signing algorithm is AWS's ("Browser-Based Uploads Using POST (AWS
// Signature Version 4)"); the tests reproduce the worked example AWS
// publishes for it. The package does no I/O.
package postpolicy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm written and accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// Credentials sign a policy. SessionToken is set for temporary credentials
// (a Lambda execution role); it then becomes a form field the policy covers.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// Request describes one upload form.
type Request struct {
	Bucket      string
	Key         string
	ContentType string // the exact Content-Type the upload must declare
	MinSize     int64  // content-length-range
	MaxSize     int64
	Expires     time.Time
	Now         time.Time // the signing time (its date scopes the credential)
	Region      string
	Service     string // "s3" when empty
	Credentials Credentials
	// Fields are further exact-match fields (such as
	// x-amz-server-side-encryption or success_action_status).
	Fields map[string]string
}

// Form returns the fields a client sends, in any order, before the file:
// key, Content-Type, policy, x-amz-algorithm, x-amz-credential, x-amz-date,
// x-amz-signature (and x-amz-security-token and Fields when set).
func Form(r Request) (map[string]string, error) {
	if r.Bucket == "" || r.Key == "" || r.Region == "" || r.Credentials.AccessKeyID == "" || r.Credentials.SecretAccessKey == "" {
		return nil, errors.New("postpolicy: bucket, key, region and credentials are required")
	}
	if r.MaxSize <= 0 || r.MinSize < 0 || r.MinSize > r.MaxSize || !r.Expires.After(r.Now) {
		return nil, errors.New("postpolicy: bad size range or expiry")
	}
	service := r.Service
	if service == "" {
		service = "s3"
	}
	now := r.Now.UTC()
	date := now.Format("20060102")
	fields := map[string]string{
		"key":              r.Key,
		"Content-Type":     r.ContentType,
		"x-amz-algorithm":  Algorithm,
		"x-amz-credential": r.Credentials.AccessKeyID + "/" + Scope(date, r.Region, service),
		"x-amz-date":       now.Format("20060102T150405Z"),
	}
	if r.Credentials.SessionToken != "" {
		fields["x-amz-security-token"] = r.Credentials.SessionToken
	}
	for k, v := range r.Fields {
		fields[k] = v
	}
	conds := []any{map[string]string{"bucket": r.Bucket}}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		conds = append(conds, []string{"eq", "$" + k, fields[k]})
	}
	conds = append(conds, []any{"content-length-range", r.MinSize, r.MaxSize})
	doc, err := json.Marshal(map[string]any{
		"expiration": r.Expires.UTC().Format("2006-01-02T15:04:05.000Z"),
		"conditions": conds,
	})
	if err != nil {
		return nil, fmt.Errorf("postpolicy: encode: %w", err)
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	fields["policy"] = policy
	fields["x-amz-signature"] = Signature(r.Credentials.SecretAccessKey, date, r.Region, service, policy)
	return fields, nil
}

// Scope is the credential scope date/region/service/aws4_request.
func Scope(date, region, service string) string {
	return date + "/" + region + "/" + service + "/aws4_request"
}

// SigningKey derives the SigV4 signing key for a date (YYYYMMDD), region and
// service.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// Signature is the hex HMAC-SHA256 of the base64 policy (the string to sign
// of a POST) under the signing key.
func Signature(secret, date, region, service, policy string) string {
	return hex.EncodeToString(hmacSHA256(SigningKey(secret, date, region, service), policy))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// Refusal reasons of Verify, in the spirit of S3's error codes.
var (
	ErrExpired       = errors.New("postpolicy: the policy has expired")
	ErrTooLarge      = errors.New("postpolicy: the file is larger than the policy allows")
	ErrTooSmall      = errors.New("postpolicy: the file is smaller than the policy allows")
	ErrSignature     = errors.New("postpolicy: the signature does not match")
	ErrCondition     = errors.New("postpolicy: a field does not meet the policy's conditions")
	ErrMalformed     = errors.New("postpolicy: malformed form or policy")
	ErrUnknownSigner = errors.New("postpolicy: unknown access key")
)

// Verify checks a submitted form the way S3 does: the signature over the
// policy with the secret of the credential's access key, the expiration
// against now, every condition (bucket, eq, starts-with,
// content-length-range against size), and that every field except policy,
// x-amz-signature, file and x-ignore-* is covered by a condition. Field
// names are matched case-insensitively. secretFor returns the secret
// access key of an access key ID.
func Verify(fields map[string]string, bucket string, size int64, now time.Time, secretFor func(accessKeyID string) (string, bool)) error {
	f, doc, err := signed(fields, secretFor)
	if err != nil {
		return err
	}
	exp, err := time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return ErrMalformed
	}
	if !now.Before(exp) {
		return ErrExpired
	}
	covered := map[string]bool{"policy": true, "x-amz-signature": true, "file": true}
	for _, c := range doc.Conditions {
		var obj map[string]string
		if json.Unmarshal(c, &obj) == nil {
			for k, v := range obj {
				k = strings.ToLower(k)
				if k == "bucket" {
					if v != bucket {
						return ErrCondition
					}
					continue
				}
				if f[k] != v {
					return ErrCondition
				}
				covered[k] = true
			}
			continue
		}
		var arr []json.RawMessage
		if err := json.Unmarshal(c, &arr); err != nil || len(arr) != 3 {
			return ErrMalformed
		}
		var op string
		if err := json.Unmarshal(arr[0], &op); err != nil {
			return ErrMalformed
		}
		switch strings.ToLower(op) {
		case "content-length-range":
			lo, err1 := number(arr[1])
			hi, err2 := number(arr[2])
			if err1 != nil || err2 != nil {
				return ErrMalformed
			}
			if size < lo {
				return ErrTooSmall
			}
			if size > hi {
				return ErrTooLarge
			}
		case "eq", "starts-with":
			var field, value string
			if json.Unmarshal(arr[1], &field) != nil || json.Unmarshal(arr[2], &value) != nil || !strings.HasPrefix(field, "$") {
				return ErrMalformed
			}
			name := strings.ToLower(field[1:])
			got, present := f[name]
			if name == "bucket" {
				got, present = bucket, true
			}
			if !present && !(op == "starts-with" && value == "") {
				return ErrCondition
			}
			if (op == "eq" && got != value) || (op != "eq" && !strings.HasPrefix(got, value)) {
				return ErrCondition
			}
			covered[name] = true
		default:
			return ErrMalformed
		}
	}
	for k := range f {
		if !covered[k] && !strings.HasPrefix(k, "x-ignore-") {
			return ErrCondition
		}
	}
	return nil
}

// MaxSize checks the form's signature and returns the upper bound of its
// content-length-range, or -1 when it has none, so a receiver can stop
// reading a file at that bound before Verify judges the rest.
func MaxSize(fields map[string]string, secretFor func(accessKeyID string) (string, bool)) (int64, error) {
	_, doc, err := signed(fields, secretFor)
	if err != nil {
		return 0, err
	}
	for _, c := range doc.Conditions {
		var arr []json.RawMessage
		if json.Unmarshal(c, &arr) != nil || len(arr) != 3 {
			continue
		}
		var op string
		if json.Unmarshal(arr[0], &op) == nil && strings.EqualFold(op, "content-length-range") {
			return number(arr[2])
		}
	}
	return -1, nil
}

type policyDoc struct {
	Expiration string            `json:"expiration"`
	Conditions []json.RawMessage `json:"conditions"`
}

// signed lower-cases the field names, checks the signature and decodes the
// policy.
func signed(fields map[string]string, secretFor func(string) (string, bool)) (map[string]string, policyDoc, error) {
	var doc policyDoc
	f := make(map[string]string, len(fields))
	for k, v := range fields {
		f[strings.ToLower(k)] = v
	}
	policy, sig := f["policy"], f["x-amz-signature"]
	if policy == "" || sig == "" || f["x-amz-algorithm"] != Algorithm {
		return nil, doc, ErrMalformed
	}
	cred := strings.Split(f["x-amz-credential"], "/")
	if len(cred) != 5 || cred[4] != "aws4_request" || !strings.HasPrefix(f["x-amz-date"], cred[1]) {
		return nil, doc, ErrMalformed
	}
	secret, ok := secretFor(cred[0])
	if !ok {
		return nil, doc, ErrUnknownSigner
	}
	want := Signature(secret, cred[1], cred[2], cred[3], policy)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(sig))) {
		return nil, doc, ErrSignature
	}
	raw, err := base64.StdEncoding.DecodeString(policy)
	if err != nil || json.Unmarshal(raw, &doc) != nil {
		return nil, doc, ErrMalformed
	}
	return f, doc, nil
}

func number(m json.RawMessage) (int64, error) {
	var n json.Number
	if err := json.Unmarshal(m, &n); err != nil {
		var s string
		if err := json.Unmarshal(m, &s); err != nil {
			return 0, err
		}
		return strconv.ParseInt(s, 10, 64)
	}
	return n.Int64()
}
