package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

// MaxBodyBytes bounds every JSON or form body: a 5,000-character
// suggestion is at most 15 KB of UTF-8 (60 KB as JSON \u escapes would be
// unusual), so 64 KiB is generous for real input and small for abuse.
const MaxBodyBytes = 64 << 10

// bodyKind is the shape of a request body.
type bodyKind int

const (
	bodyJSON bodyKind = iota + 1
	bodyForm
)

// mediaType returns the request's media type in lower case, "" if none.
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "invalid"
	}
	return strings.ToLower(mt)
}

// unsupported is the 415 answer for a content type an endpoint does not take.
func unsupported(want string) error {
	return feedback.Errorf(feedback.EUnsupported, "不支持的请求格式,请使用 %s", want)
}

// tooLarge is the 413 answer.
func tooLarge(limit int64) error {
	return feedback.Errorf(feedback.ETooLarge, "请求内容过大,上限 %d KiB", limit>>10)
}

// readBody reads the whole body up to limit bytes; more is ETooLarge.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, feedback.Errorf(feedback.EInvalid, "无法读取请求内容")
	}
	return b, nil
}

// decodeJSON decodes a JSON body (at most MaxBodyBytes) into dst. Other
// content types are EUnsupported, malformed JSON and unknown fields EInvalid.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if mt := mediaType(r); mt != "application/json" {
		return unsupported("application/json")
	}
	b, err := readBody(w, r, MaxBodyBytes)
	if err != nil {
		return err
	}
	return unmarshalStrict(b, dst)
}

// unmarshalStrict decodes one JSON value, refusing unknown fields and
// trailing data, and names the field at fault where it can.
func unmarshalStrict(b []byte, dst any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return feedback.FieldErrorf(te.Field, "%s的类型不正确", feedback.FieldLabel(te.Field))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return feedback.FieldErrorf(name, "请求中含有本接口不接受的字段")
		}
		return feedback.Errorf(feedback.EInvalid, "请求不是有效的 JSON")
	}
	if dec.More() {
		return feedback.Errorf(feedback.EInvalid, "请求不是有效的 JSON:结尾有多余内容")
	}
	return nil
}

// decodeJSONOrForm decodes a JSON or an application/x-www-form-urlencoded
// body. For forms it returns the values; for JSON it fills dst.
func decodeJSONOrForm(w http.ResponseWriter, r *http.Request, dst any) (bodyKind, url.Values, error) {
	switch mediaType(r) {
	case "application/json":
		b, err := readBody(w, r, MaxBodyBytes)
		if err != nil {
			return bodyJSON, nil, err
		}
		return bodyJSON, nil, unmarshalStrict(b, dst)
	case "application/x-www-form-urlencoded":
		b, err := readBody(w, r, MaxBodyBytes)
		if err != nil {
			return bodyForm, nil, err
		}
		v, err := url.ParseQuery(string(b))
		if err != nil {
			return bodyForm, nil, feedback.Errorf(feedback.EInvalid, "表单编码无效")
		}
		return bodyForm, v, nil
	}
	return 0, nil, unsupported("application/json 或 application/x-www-form-urlencoded")
}

// queryInt parses an optional integer query parameter.
func queryInt(q url.Values, name string) (int, error) {
	s := q.Get(name)
	if s == "" {
		return 0, nil
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n < 0 || fmt.Sprint(n) != s {
		return 0, feedback.FieldErrorf(name, "%s应为非负整数", feedback.FieldLabel(name))
	}
	return n, nil
}
