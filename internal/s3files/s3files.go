// Package s3files is the AWS feedback.FileStorage: objects in a private S3
// bucket, reached over plain HTTPS with Signature Version 4.
//
// It does not use the SDK's S3 client (service/s3): that client adds 1.2 MB
// to the staff function, which would break its 12 MB budget. What Jianyan
// needs of S3 is five requests: a presigned POST for browser uploads
// (signed by package postpolicy, with exact-match conditions on key and
// Content-Type and a content-length-range), a presigned GET for downloads
// (the SDK's aws/signer/v4, with response-content-disposition=attachment),
// and signed PUT, GET and DELETE of an object. Bodies are sent with
// UNSIGNED-PAYLOAD, which S3 accepts over HTTPS, so a large export streams
// without being hashed first.
//
// Addressing: with Endpoint set (moto_server, an S3-compatible store) paths
// are path-style, {endpoint}/{bucket}/{key}; without it virtual-hosted,
// https://{bucket}.s3.{region}.amazonaws.com[.cn]/{key}.
package s3files

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/filecheck"
	"github.com/jianyan/jianyan/internal/postpolicy"
)

const unsignedPayload = "UNSIGNED-PAYLOAD"

// Config configures a Store.
type Config struct {
	Bucket      string
	Region      string
	Endpoint    string // optional: path-style requests to this origin
	Credentials aws.CredentialsProvider
	HTTPClient  *http.Client // http.DefaultClient when nil
	Now         func() time.Time
}

// Store is a bucket.
type Store struct {
	cfg    Config
	base   string // origin + path prefix that a key is appended to
	signer *v4.Signer
}

var _ feedback.FileStorage = (*Store)(nil)

// New returns a Store for cfg.
func New(cfg Config) (*Store, error) {
	if cfg.Bucket == "" || cfg.Region == "" || cfg.Credentials == nil {
		return nil, errors.New("s3files: bucket, region and credentials are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var base string
	if cfg.Endpoint != "" {
		base = strings.TrimSuffix(cfg.Endpoint, "/") + "/" + cfg.Bucket + "/"
	} else {
		suffix := "amazonaws.com"
		if strings.HasPrefix(cfg.Region, "cn-") {
			suffix = "amazonaws.com.cn"
		}
		base = "https://" + cfg.Bucket + ".s3." + cfg.Region + "." + suffix + "/"
	}
	return &Store{cfg: cfg, base: base, signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })}, nil
}

func (s *Store) objectURL(key string) (string, error) {
	if !feedback.ValidObjectKey(key) {
		return "", feedback.FieldErrorf("key", "文件标识无效")
	}
	return s.base + key, nil
}

// UploadForm signs a presigned POST to the bucket.
func (s *Store) UploadForm(ctx context.Context, req feedback.UploadRequest) (feedback.UploadForm, error) {
	if _, err := s.objectURL(req.Key); err != nil {
		return feedback.UploadForm{}, err
	}
	creds, err := s.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return feedback.UploadForm{}, feedback.Internal(fmt.Errorf("s3files: credentials: %w", err))
	}
	fields, err := postpolicy.Form(postpolicy.Request{
		Bucket: s.cfg.Bucket, Key: req.Key, ContentType: req.ContentType,
		MinSize: 1, MaxSize: req.MaxSize, Expires: req.Expires, Now: s.cfg.Now(), Region: s.cfg.Region,
		Credentials: postpolicy.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken},
		Fields:      map[string]string{"success_action_status": "201"},
	})
	if err != nil {
		return feedback.UploadForm{}, feedback.Internal(err)
	}
	return feedback.UploadForm{URL: strings.TrimSuffix(s.base, "/"), Method: "POST", Fields: fields, ExpiresAt: req.Expires}, nil
}

// DownloadURL presigns a GET that S3 answers as an attachment.
func (s *Store) DownloadURL(ctx context.Context, key string, d feedback.Download) (string, error) {
	u, err := s.objectURL(key)
	if err != nil {
		return "", err
	}
	ttl := d.TTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	q := url.Values{}
	q.Set("X-Amz-Expires", strconv.Itoa(int(ttl/time.Second)))
	q.Set("response-content-disposition", filecheck.Attachment(d.Filename))
	if d.ContentType != "" {
		q.Set("response-content-type", d.ContentType)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"?"+q.Encode(), nil)
	if err != nil {
		return "", feedback.Internal(err)
	}
	creds, err := s.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return "", feedback.Internal(fmt.Errorf("s3files: credentials: %w", err))
	}
	signed, _, err := s.signer.PresignHTTP(ctx, creds, req, unsignedPayload, "s3", s.cfg.Region, s.cfg.Now())
	if err != nil {
		return "", feedback.Internal(fmt.Errorf("s3files: presign %s: %w", key, err))
	}
	return signed, nil
}

// Put uploads size bytes from r.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	u, err := s.objectURL(key)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, io.NopCloser(io.LimitReader(r, size)))
	if err != nil {
		return feedback.Internal(err)
	}
	req.ContentLength = size
	if size == 0 {
		req.Body = http.NoBody
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.do(ctx, req)
	if err != nil {
		return feedback.Internal(fmt.Errorf("s3files: put %s: %w", key, err))
	}
	defer drain(resp)
	if resp.StatusCode/100 != 2 {
		return feedback.Internal(fmt.Errorf("s3files: put %s: %w", key, s3Error(resp)))
	}
	return nil
}

// Open downloads an object.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	u, err := s.objectURL(key)
	if err != nil {
		return nil, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, feedback.Internal(err)
	}
	resp, err := s.retry(ctx, req)
	if err != nil {
		return nil, 0, feedback.Internal(fmt.Errorf("s3files: get %s: %w", key, err))
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		drain(resp)
		return nil, 0, feedback.Errorf(feedback.ENotFound, "文件不存在")
	case resp.StatusCode != http.StatusOK:
		defer drain(resp)
		return nil, 0, feedback.Internal(fmt.Errorf("s3files: get %s: %w", key, s3Error(resp)))
	}
	return resp.Body, resp.ContentLength, nil
}

// Delete removes an object (S3 answers 204 whether or not it existed).
func (s *Store) Delete(ctx context.Context, key string) error {
	u, err := s.objectURL(key)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, u, nil)
	if err != nil {
		return feedback.Internal(err)
	}
	resp, err := s.retry(ctx, req)
	if err != nil {
		return feedback.Internal(fmt.Errorf("s3files: delete %s: %w", key, err))
	}
	defer drain(resp)
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusNotFound {
		return feedback.Internal(fmt.Errorf("s3files: delete %s: %w", key, s3Error(resp)))
	}
	return nil
}

// do signs and sends req once.
func (s *Store) do(ctx context.Context, req *http.Request) (*http.Response, error) {
	creds, err := s.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	req.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
	if err := s.signer.SignHTTP(ctx, creds, req, unsignedPayload, "s3", s.cfg.Region, s.cfg.Now()); err != nil {
		return nil, err
	}
	return s.cfg.HTTPClient.Do(req)
}

// retry sends a bodiless request, again after a network error, throttling
// or a 5xx (three attempts, 100 ms then 400 ms apart), as the SDK would.
func (s *Store) retry(ctx context.Context, req *http.Request) (*http.Response, error) {
	wait := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		resp, err := s.do(ctx, r)
		if err == nil && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			return resp, nil
		}
		if attempt == 3 {
			return resp, err
		}
		if resp != nil {
			drain(resp)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 4
	}
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// s3Error reads S3's XML error body.
func s3Error(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	var e struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	if xml.NewDecoder(bytes.NewReader(body)).Decode(&e) == nil && e.Code != "" {
		return fmt.Errorf("%s: %s: %s", resp.Status, e.Code, e.Message)
	}
	return errors.New(resp.Status)
}
