package emulator_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/s3files/s3test"
	"github.com/jianyan/jianyan/internal/testenv"
)

// TestEvidenceEndToEnd runs the staff and check functions under the Lambda
// emulator against moto (DynamoDB and S3): a unit's evidence photo is
// requested from staff, posted straight to the bucket with the presigned
// form, judged by check on the bucket's object-created event (stored
// without its EXIF block), attached to a problem through staff, and
// downloaded through staff: 303 to a presigned GET that serves the bytes.
func TestEvidenceEndToEnd(t *testing.T) {
	root := repoRoot(t)
	if runtime.GOOS != "linux" {
		testenv.Missing(t, "aws-lambda-rie runs only on Linux")
	}
	rie := findRIE(t, root)
	endpoint := dynamoEndpoint(t)
	s3 := s3test.Endpoint(t)
	db := dynamotest.NewClient(t, endpoint)
	table := dynamotest.CreateTable(t, db)
	bucket := s3test.CreateBucket(t, s3)

	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TABLE_NAME=" + table,
		"FILES_BUCKET=" + bucket,
		"PUBLIC_BASE_URL=" + publicBaseURL,
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint,
		"AWS_ENDPOINT_URL_S3=" + s3,
		"AWS_REGION=" + dynamotest.Region,
		"AWS_DEFAULT_REGION=" + dynamotest.Region,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60",
	}
	fns := map[string]*function{}
	for _, name := range []string{"staff", "check"} {
		bin := buildBootstrap(t, root, name, runtime.GOOS, runtime.GOARCH, t.TempDir())
		fns[name] = startFunction(t, rie, name, bin, append(env, "AWS_LAMBDA_FUNCTION_NAME=jianyan-"+name))
	}
	staff, check := fns["staff"], fns["check"]
	admin, unit := cognitoClaims("[admin]"), cognitoClaims("[unit:区市场监管局]")
	unit["sub"], unit["username"] = "unit-account-1", "scjg-lly"

	// A problem led by the unit.
	res := callAPI(t, staff, "POST", "/api/v1/units", "POST /api/v1/{proxy+}", map[string]any{"name": "区市场监管局", "head": "王局长"}, admin)
	wantStatus(t, "register unit", res, http.StatusCreated)
	var list, problem struct {
		ID string `json:"id"`
	}
	res = callAPI(t, staff, "POST", "/api/v1/problem-lists", "POST /api/v1/{proxy+}", map[string]any{"title": "涉企乱罚款问题清单"}, admin)
	wantStatus(t, "create problem list", res, http.StatusCreated)
	decodeBody(t, res, &list)
	res = callAPI(t, staff, "POST", "/api/v1/problems", "POST /api/v1/{proxy+}", map[string]any{
		"problem_list_id": list.ID, "title": "对首次轻微违法企业罚款", "responsible_unit": "区市场监管局",
		"requirement": "落实首违不罚清单", "deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02"),
	}, admin)
	wantStatus(t, "create problem", res, http.StatusCreated)
	decodeBody(t, res, &problem)

	// 1. The unit asks staff for an upload form.
	photo := photoWithGPS(t)
	res = callAPI(t, staff, "POST", "/api/v1/uploads", "POST /api/v1/{proxy+}", map[string]any{
		"filename": "整改后现场.jpg", "content_type": "image/jpeg", "size": len(photo),
	}, unit)
	wantStatus(t, "request upload", res, http.StatusCreated)
	var form struct {
		ID     string            `json:"id"`
		URL    string            `json:"url"`
		Fields map[string]string `json:"fields"`
	}
	decodeBody(t, res, &form)
	if !strings.HasPrefix(form.URL, s3) || form.Fields["key"] != "uploads/"+form.ID {
		t.Fatalf("upload form = %+v, want a POST to the bucket under uploads/", form)
	}

	// 2. The bytes go straight to the bucket.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range form.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "整改后现场.jpg")
	_, _ = fw.Write(photo)
	_ = mw.Close()
	post, err := http.Post(form.URL, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	postBody, _ := io.ReadAll(post.Body)
	post.Body.Close()
	if post.StatusCode/100 != 2 {
		t.Fatalf("POST to the bucket = %d %s", post.StatusCode, postBody)
	}

	// Until it is checked the file cannot be attached (409).
	res = callAPI(t, staff, "PATCH", "/api/v1/problems/"+problem.ID, "PATCH /api/v1/{proxy+}",
		map[string]any{"progress": "已整改", "evidence_file_ids": []string{form.ID}}, unit)
	wantStatus(t, "attach before the check", res, http.StatusConflict)

	// 3. S3 reports the object (through EventBridge); check judges it.
	raw, err := os.ReadFile(filepath.Join(root, "events", "check-object-created.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev := strings.ReplaceAll(strings.ReplaceAll(string(raw), "jianyan-filesbucket-example", bucket), "uploads/FILEID", "uploads/"+form.ID)
	ev = strings.Replace(ev, `"2025-03-12T01:30:00Z"`, `"`+time.Now().UTC().Format(time.RFC3339)+`"`, 1)
	check.invoke(t, []byte(ev))

	// 4. The unit attaches it with a progress report.
	res = callAPI(t, staff, "PATCH", "/api/v1/problems/"+problem.ID, "PATCH /api/v1/{proxy+}",
		map[string]any{"progress": "已整改并建立首违不罚清单", "evidence_file_ids": []string{form.ID}}, unit)
	wantStatus(t, "attach evidence", res, http.StatusOK)
	var got struct {
		Evidence []struct {
			FileID      string `json:"file_id"`
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
		} `json:"evidence"`
	}
	decodeBody(t, res, &got)
	if len(got.Evidence) != 1 || got.Evidence[0].FileID != form.ID || got.Evidence[0].Name != "整改后现场.jpg" || got.Evidence[0].ContentType != "image/jpeg" {
		t.Fatalf("evidence = %+v", got.Evidence)
	}

	// 5. The office downloads it through staff: 303 to the bucket.
	res = callAPIWith(t, staff, "GET", "/api/v1/files/"+form.ID, "GET /api/v1/{proxy+}", nil, admin, map[string]string{"accept": "*/*"})
	wantStatus(t, "download", res, http.StatusSeeOther)
	loc := header(res, "Location")
	if !strings.HasPrefix(loc, s3+"/"+bucket+"/files/"+form.ID+"?") || header(res, "X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: Location %q, nosniff %q", loc, header(res, "X-Content-Type-Options"))
	}
	dl, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != http.StatusOK {
		t.Fatalf("GET the presigned URL = %d %s", dl.StatusCode, stored)
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored)); err != nil {
		t.Errorf("the downloaded photo is no JPEG: %v", err)
	}
	if bytes.Contains(stored, []byte(gpsMarker)) || bytes.Contains(stored, []byte("Exif")) {
		t.Error("the downloaded photo still carries its EXIF block")
	}
	// The console asks for JSON: the link in the body (it fetches the
	// thumbnail itself).
	res = callAPIWith(t, staff, "GET", "/api/v1/files/"+form.ID, "GET /api/v1/{proxy+}", nil, unit, map[string]string{"accept": "application/json, */*;q=0.5"})
	wantStatus(t, "download as a link", res, http.StatusOK)
	var link struct {
		URL  string `json:"url"`
		Name string `json:"name"`
	}
	decodeBody(t, res, &link)
	if !strings.HasPrefix(link.URL, s3+"/"+bucket+"/files/"+form.ID+"?") || link.Name != "整改后现场.jpg" {
		t.Errorf("link = %+v", link)
	}
	// The raw upload is gone from uploads/.
	if r, err := http.Get(s3 + "/" + bucket + "/uploads/" + form.ID); err == nil {
		r.Body.Close()
		if r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
			t.Errorf("the raw upload is still in the bucket: %d", r.StatusCode)
		}
	}
	// Another unit does not get it.
	other := cognitoClaims("[unit:区城管执法局]")
	other["sub"] = "unit-account-2"
	res = callAPIWith(t, staff, "GET", "/api/v1/files/"+form.ID, "GET /api/v1/{proxy+}", nil, other, map[string]string{"accept": "*/*"})
	if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
		t.Errorf("another unit downloading: %d, want 404 or 403", res.StatusCode)
	}
}

// header reads a response header whatever its case.
func header(res apiResponse, name string) string {
	for k, v := range res.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

const gpsMarker = "GPS-22.5784N-113.0816E"

// photoWithGPS is a JPEG with an EXIF block holding a position.
func photoWithGPS(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(0, 0, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte(gpsMarker)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	raw := b.Bytes()
	return append(append(append([]byte{}, raw[:2]...), append(seg, payload...)...), raw[2:]...)
}
