package httpapi_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// emblemPNG is a small red square, as an office's emblem might be.
func emblemPNG(t *testing.T, side int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			img.Set(x, y, color.NRGBA{R: 0xb3, G: 0x26, B: 0x1e, A: 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type settingsResp struct {
	OfficeName string `json:"office_name"`
	Emblem     *struct {
		URL         string `json:"url"`
		ContentType string `json:"content_type"`
		Size        int    `json:"size"`
	} `json:"emblem"`
	Version int64 `json:"version"`
}

// putSettings saves settings as the admin and decodes the answer.
func putSettings(t *testing.T, e *exportEnv, body string) (settingsResp, *http.Response) {
	t.Helper()
	resp := e.do(t, "PUT", "/api/v1/settings", exportAdminToken, "application/json", body)
	var s settingsResp
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatal(err)
		}
	}
	return s, resp
}

// setEmblem uploads an emblem and saves it with the office's name; it
// returns the emblem's public path.
func setEmblem(t *testing.T, e *exportEnv) string {
	t.Helper()
	id, status := uploadFile(t, e, exportAdminToken, "徽标.png", "image/png", emblemPNG(t, 48))
	if status != http.StatusCreated {
		t.Fatalf("upload emblem: %d", status)
	}
	s, resp := putSettings(t, e, `{"office_name":"区委依法治区办","emblem_file_id":"`+id+`"}`)
	if resp.StatusCode != http.StatusOK || s.Emblem == nil {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT settings with emblem = %d %s", resp.StatusCode, b)
	}
	return s.Emblem.URL
}

func TestSettingsEmblem(t *testing.T) {
	e := newExportEnv(t)
	path := setEmblem(t, e)
	if !strings.HasPrefix(path, "/emblem/") || !strings.HasSuffix(path, ".png") {
		t.Fatalf("emblem url = %q, want /emblem/<digest>.png", path)
	}

	t.Run("served publicly, cacheable for good", func(t *testing.T) {
		resp := e.do(t, "GET", path, "", "", "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" ||
			!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("GET %s = %d %q %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		if _, err := png.Decode(bytes.NewReader(body)); err != nil {
			t.Fatalf("emblem is not a PNG: %v", err)
		}
		if resp := e.do(t, "GET", "/emblem/0000000000000000.png", "", "", ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET a stale emblem name = %d, want 404", resp.StatusCode)
		}
	})

	t.Run("on the form", func(t *testing.T) {
		sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
		resp := e.do(t, "GET", "/s/"+sym.Code, "", "", "")
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), `<img src="`+path+`" alt="">`) || !strings.Contains(string(body), "区委依法治区办") {
			t.Errorf("form lacks the emblem and the name")
		}
	})

	t.Run("on the pages for a wrong or closed link", func(t *testing.T) {
		draft, err := e.svc.CreateSymposium(t.Context(), e.admin, feedback.SymposiumInput{
			Title: "尚未开始的座谈会", Campaign: "涉企乱罚款", HostUnit: "区司法局", Status: feedback.SymposiumDraft})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			path   string
			status int
			words  string
		}{
			{"/s/" + draft.Code, http.StatusGone, "尚未开始"},
			{"/s/NOSUCHCODE", http.StatusNotFound, "没有找到该页面"},
			{"/no/such/page", http.StatusNotFound, "没有找到该页面"},
		} {
			resp := e.do(t, "GET", c.path, "", "", "")
			body, _ := io.ReadAll(resp.Body)
			page := string(body)
			if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("GET %s = %d %s, want %d and a page", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.status)
			}
			if !strings.Contains(page, `<img src="`+path+`" alt="">`) || !strings.Contains(page, "<span>区委依法治区办</span>") || !strings.Contains(page, c.words) {
				t.Errorf("GET %s: the page lacks the office's emblem and name or %q:\n%s", c.path, c.words, page)
			}
		}
	})

	t.Run("kept when the body leaves it out, removed with an empty id", func(t *testing.T) {
		s, resp := putSettings(t, e, `{"office_name":"区委依法治区办(新)"}`)
		if resp.StatusCode != http.StatusOK || s.Emblem == nil || s.Emblem.URL != path {
			t.Fatalf("PUT without emblem_file_id = %d, emblem %+v, want kept", resp.StatusCode, s.Emblem)
		}
		s, resp = putSettings(t, e, `{"office_name":"区委依法治区办","emblem_file_id":""}`)
		if resp.StatusCode != http.StatusOK || s.Emblem != nil {
			t.Fatalf("PUT with emblem_file_id \"\" = %d, emblem %+v, want none", resp.StatusCode, s.Emblem)
		}
		if resp := e.do(t, "GET", path, "", "", ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET the removed emblem = %d, want 404", resp.StatusCode)
		}
	})

	t.Run("refused: not an image, too large", func(t *testing.T) {
		pdf, _ := uploadFile(t, e, exportAdminToken, "说明.pdf", "application/pdf", []byte("%PDF-1.7\n%%EOF\n"))
		_, resp := putSettings(t, e, `{"office_name":"区委依法治区办","emblem_file_id":"`+pdf+`"}`)
		if code, _ := errorCode(t, resp); resp.StatusCode != http.StatusBadRequest || code != "invalid" {
			t.Errorf("PDF as emblem = %d %s, want 400", resp.StatusCode, code)
		}
		noisy := image.NewNRGBA(image.Rect(0, 0, 400, 400))
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range noisy.Pix {
			noisy.Pix[i] = byte(rng.Uint32())
		}
		var big bytes.Buffer
		_ = png.Encode(&big, noisy)
		if big.Len() <= feedback.EmblemMaxBytes {
			t.Fatalf("test image is %d bytes, want more than %d", big.Len(), feedback.EmblemMaxBytes)
		}
		id, status := uploadFile(t, e, exportAdminToken, "大徽标.png", "image/png", big.Bytes())
		if status != http.StatusCreated {
			t.Fatalf("upload: %d", status)
		}
		_, resp = putSettings(t, e, `{"office_name":"区委依法治区办","emblem_file_id":"`+id+`"}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a %d-byte emblem = %d, want 400", big.Len(), resp.StatusCode)
		}
	})
}
