package filecheck

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"runtime"
	"strings"
	"testing"

	"compress/zlib"

	"golang.org/x/image/webp"
)

// gpsMarker is a string the test hides in EXIF next to the GPS position, so
// finding it anywhere in the output means metadata survived.
const gpsMarker = "JIANYAN-GPS-31.2304N-121.4737E"

func reason(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// quadrants is a w×h image whose top-left quadrant is red and the rest
// blue, so a rotation shows where the red went.
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// exifAPP1 builds an APP1 EXIF segment (little-endian TIFF) with IFD0
// holding Orientation, ImageDescription and a pointer to a GPS IFD with
// latitude and longitude, the way a phone writes a geotagged photo.
func exifAPP1(orientation uint16) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	w16 := func(v uint16) { _ = binary.Write(&t, le, v) }
	w32 := func(v uint32) { _ = binary.Write(&t, le, v) }
	desc := gpsMarker + "\x00"
	// Layout: header(8) | IFD0 at 8: 3 entries | desc | GPS IFD | rationals.
	ifd0 := uint32(8)
	ifd0Size := uint32(2 + 3*12 + 4)
	descOff := ifd0 + ifd0Size
	gpsOff := descOff + uint32(len(desc))
	gpsSize := uint32(2 + 4*12 + 4)
	ratOff := gpsOff + gpsSize

	t.WriteString("II")
	w16(42)
	w32(ifd0)
	w16(3)
	w16(0x010E) // ImageDescription, ASCII
	w16(2)
	w32(uint32(len(desc)))
	w32(descOff)
	w16(0x0112) // Orientation, SHORT
	w16(3)
	w32(1)
	w16(orientation)
	w16(0)
	w16(0x8825) // GPSInfo IFD pointer, LONG
	w16(4)
	w32(1)
	w32(gpsOff)
	w32(0) // no next IFD
	t.WriteString(desc)
	w16(4)
	w16(1) // GPSLatitudeRef
	w16(2)
	w32(2)
	t.WriteString("N\x00\x00\x00")
	w16(2) // GPSLatitude, 3 RATIONAL
	w16(5)
	w32(3)
	w32(ratOff)
	w16(3) // GPSLongitudeRef
	w16(2)
	w32(2)
	t.WriteString("E\x00\x00\x00")
	w16(4) // GPSLongitude
	w16(5)
	w32(3)
	w32(ratOff + 24)
	w32(0)
	for _, r := range []uint32{31, 1, 13, 1, 4944, 100, 121, 1, 28, 1, 2532, 100} {
		w32(r)
	}
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// geotaggedJPEG encodes img and inserts the EXIF segment after SOI.
func geotaggedJPEG(t testing.TB, img image.Image, orientation uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, exifAPP1(orientation)...)
	return append(out, raw[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngBomb is a valid-looking PNG of a few hundred bytes whose header claims
// 100,000 × 100,000 pixels (40 GB as RGBA) and whose IDAT is zeros.
func pngBomb(t testing.TB) []byte {
	t.Helper()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100_000)
	binary.BigEndian.PutUint32(ihdr[4:], 100_000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	b.Write(pngChunk("IHDR", ihdr))
	b.Write(pngChunk("IDAT", z.Bytes()))
	b.Write(pngChunk("IEND", nil))
	return b.Bytes()
}

// ooxml zips parts into an archive; contentTypes is [Content_Types].xml's
// Override list.
func ooxml(t testing.TB, overrides string, parts map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name string, data []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	add("[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="xml" ContentType="application/xml"/>`+overrides+`</Types>`))
	for name, data := range parts {
		add(name, data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func docx(t testing.TB) []byte {
	return ooxml(t, `<Override PartName="/word/document.xml" ContentType="`+docxMain+`"/>`,
		map[string][]byte{"word/document.xml": []byte(`<w:document><w:body><w:p><w:r><w:t>整改报告</w:t></w:r></w:p></w:body></w:document>`)})
}

func xlsx(t testing.TB) []byte {
	return ooxml(t, `<Override PartName="/xl/workbook.xml" ContentType="`+xlsxMain+`"/>`,
		map[string][]byte{"xl/workbook.xml": []byte(`<workbook/>`)})
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheckAcceptsAndRefuses(t *testing.T) {
	var plainPNG bytes.Buffer
	_ = png.Encode(&plainPNG, quadrants(40, 20))
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")

	macro := ooxml(t, `<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>`,
		map[string][]byte{"word/document.xml": []byte(`<w:document/>`), "word/vbaProject.bin": []byte("macro")})
	noMain := ooxml(t, `<Override PartName="/word/document.xml" ContentType="`+docxMain+`"/>`, nil)
	bomb := ooxml(t, `<Override PartName="/word/document.xml" ContentType="`+docxMain+`"/>`,
		map[string][]byte{"word/document.xml": make([]byte, 50<<20)})
	var plainZip bytes.Buffer
	zw := zip.NewWriter(&plainZip)
	w, _ := zw.Create("readme.txt")
	_, _ = w.Write([]byte("hello"))
	_ = zw.Close()

	tests := []struct {
		name string
		data []byte
		lim  Limits
		want Type
		why  Reason
	}{
		{"geotagged JPEG", geotaggedJPEG(t, quadrants(64, 32), 1), Limits{}, JPEG, ""},
		{"PNG", plainPNG.Bytes(), Limits{}, PNG, ""},
		{"lossy WebP", readFile(t, "lossy.webp"), Limits{}, WebP, ""},
		{"WebP with alpha", readFile(t, "alpha.webp"), Limits{}, WebP, ""},
		{"PDF", pdf, Limits{}, PDF, ""},
		{"DOCX", docx(t), Limits{}, DOCX, ""},
		{"XLSX", xlsx(t), Limits{}, XLSX, ""},
		{"PDF where only photos are taken", pdf, Limits{ImagesOnly: true}, Type{}, Unsupported},
		{"DOCX where only photos are taken", docx(t), Limits{ImagesOnly: true}, Type{}, Unsupported},
		{"renamed HTML", html, Limits{}, Type{}, Unsupported},
		{"SVG", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), Limits{}, Type{}, Unsupported},
		{"Windows executable", append([]byte("MZ\x90\x00"), make([]byte, 60)...), Limits{}, Type{}, Unsupported},
		{"ELF executable", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 60)...), Limits{}, Type{}, Unsupported},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), Limits{}, Type{}, Unsupported},
		{"empty", nil, Limits{}, Type{}, Unsupported},
		{"oversize", append([]byte("%PDF-1.7\n"), make([]byte, DefaultMaxBytes)...), Limits{}, Type{}, TooLarge},
		{"over a smaller limit", plainPNG.Bytes(), Limits{MaxBytes: 100}, Type{}, TooLarge},
		{"PNG bomb", pngBomb(t), Limits{}, Type{}, TooManyPix},
		{"truncated JPEG", geotaggedJPEG(t, quadrants(64, 32), 1)[:300], Limits{}, Type{}, Damaged},
		{"JPEG magic, HTML after", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, html...), Limits{}, Type{}, Damaged},
		{"macro-enabled DOCM", macro, Limits{}, Type{}, Unsupported},
		{"DOCX without its document part", noMain, Limits{}, Type{}, Damaged},
		{"zip bomb", bomb, Limits{}, Type{}, ZipBomb},
		{"over the unpacking limit", docx(t), Limits{MaxUnpacked: 64}, Type{}, ZipBomb},
		{"too many parts", docx(t), Limits{MaxEntries: 1}, Type{}, ZipBomb},
		{"a plain zip", plainZip.Bytes(), Limits{}, Type{}, Unsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Check(tt.data, tt.lim)
			if r := reason(err); r != tt.why {
				t.Fatalf("Check: reason %q (%v), want %q", r, err, tt.why)
			}
			if err != nil {
				var e *Error
				errors.As(err, &e)
				if !strings.ContainsFunc(e.Message, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) {
					t.Errorf("message %q is not Chinese", e.Message)
				}
				return
			}
			if got.Type != tt.want {
				t.Errorf("type %q, want %q", got.Type.MIME, tt.want.MIME)
			}
			if len(got.Body) == 0 {
				t.Errorf("empty body")
			}
			if again, err := sniff(got.Body); !err || (again != got.Type && again != zipType) {
				t.Errorf("stored bytes sniff as %q, want %q", again.MIME, got.Type.MIME)
			}
		})
	}
}

func TestJPEGLosesEXIFAndGPSAndStaysUpright(t *testing.T) {
	// Orientation 6: the camera held sideways; viewers rotate 90° clockwise.
	in := geotaggedJPEG(t, quadrants(64, 32), 6)
	if !bytes.Contains(in, []byte(gpsMarker)) || !bytes.Contains(in, []byte("Exif\x00\x00")) {
		t.Fatal("fixture has no EXIF")
	}
	if got := exifOrientation(in); got != 6 {
		t.Fatalf("fixture orientation %d, want 6", got)
	}
	res, err := Check(in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{gpsMarker, "Exif\x00\x00", "II*\x00"} {
		if bytes.Contains(res.Body, []byte(leak)) {
			t.Errorf("stored JPEG still contains %q", leak)
		}
	}
	for i := 2; i+4 <= len(res.Body) && res.Body[i] == 0xFF && res.Body[i+1] != 0xDA; {
		if m := res.Body[i+1]; m >= 0xE1 && m <= 0xEF {
			t.Errorf("stored JPEG has an APP%d segment", m-0xE0)
		}
		i += 2 + int(binary.BigEndian.Uint16(res.Body[i+2:]))
	}
	img, err := jpeg.Decode(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatalf("stored JPEG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 32 || b.Dy() != 64 || res.Width != 32 || res.Height != 64 {
		t.Fatalf("upright size %v (result %d×%d), want 32×64", b, res.Width, res.Height)
	}
	// Turned clockwise, the red top-left quadrant is now top-right.
	red := func(x, y int) bool { r, g, b, _ := img.At(x, y).RGBA(); return r > 0xC000 && g < 0x4000 && b < 0x4000 }
	if !red(24, 8) || red(8, 8) || red(24, 56) {
		t.Errorf("red quadrant not at the top right: (24,8)=%v (8,8)=%v (24,56)=%v", img.At(24, 8), img.At(8, 8), img.At(24, 56))
	}
}

func TestOrientations(t *testing.T) {
	src := quadrants(4, 2) // red at (0,0),(1,0)
	// Where source pixel (0,0) lands for each orientation, and the size.
	tests := []struct {
		o          int
		w, h, x, y int
	}{
		{1, 4, 2, 0, 0}, {2, 4, 2, 3, 0}, {3, 4, 2, 3, 1}, {4, 4, 2, 0, 1},
		{5, 2, 4, 0, 0}, {6, 2, 4, 1, 0}, {7, 2, 4, 1, 3}, {8, 2, 4, 0, 3},
	}
	for _, tt := range tests {
		got := orient(src, tt.o)
		if b := got.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
			t.Errorf("orientation %d: size %dx%d, want %dx%d", tt.o, b.Dx(), b.Dy(), tt.w, tt.h)
			continue
		}
		if r, _, _, _ := got.At(tt.x, tt.y).RGBA(); r != 0xFFFF {
			t.Errorf("orientation %d: (%d,%d) is %v, want red", tt.o, tt.x, tt.y, got.At(tt.x, tt.y))
		}
	}
}

func TestPNGLosesTextChunks(t *testing.T) {
	var b bytes.Buffer
	_ = png.Encode(&b, quadrants(8, 8))
	raw := b.Bytes()
	// Insert a tEXt chunk with the marker after IHDR (8 + 25 bytes).
	withText := append(append(append([]byte{}, raw[:33]...), pngChunk("tEXt", []byte("Comment\x00"+gpsMarker))...), raw[33:]...)
	if _, err := png.Decode(bytes.NewReader(withText)); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	res, err := Check(withText, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(res.Body, []byte(gpsMarker)) || bytes.Contains(res.Body, []byte("tEXt")) {
		t.Error("stored PNG still has its text chunk")
	}
}

func TestWebPLosesMetadataChunks(t *testing.T) {
	orig := readFile(t, "alpha.webp")
	// Append an EXIF and an XMP chunk, set their flags, add trailing bytes.
	exif := exifAPP1(1)[10:] // the TIFF block
	var b bytes.Buffer
	b.Write(orig)
	for _, c := range []struct{ id, data string }{{"EXIF", string(exif)}, {"XMP ", "<x:xmpmeta>" + gpsMarker + "</x:xmpmeta>"}} {
		b.WriteString(c.id)
		_ = binary.Write(&b, binary.LittleEndian, uint32(len(c.data)))
		b.WriteString(c.data)
		if len(c.data)%2 == 1 {
			b.WriteByte(0)
		}
	}
	in := b.Bytes()
	binary.LittleEndian.PutUint32(in[4:], uint32(len(in)-8))
	in[20] |= 0x08 | 0x04
	in = append(in, []byte("<html>trailing</html>")...)
	if _, err := webp.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("fixture does not decode: %v", err)
	}
	res, err := Check(in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{gpsMarker, "EXIF", "XMP ", "<html>"} {
		if bytes.Contains(res.Body, []byte(leak)) {
			t.Errorf("stored WebP still contains %q", leak)
		}
	}
	if res.Body[20]&^0x10 != 0 {
		t.Errorf("VP8X flags %#x, want only alpha", res.Body[20])
	}
	want, _ := webp.Decode(bytes.NewReader(orig))
	got, err := webp.Decode(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != got.Bounds() || want.At(50, 50) != got.At(50, 50) {
		t.Errorf("pixels changed: %v %v vs %v %v", got.Bounds(), got.At(50, 50), want.Bounds(), want.At(50, 50))
	}
}

func TestPNGBombIsNotDecoded(t *testing.T) {
	bomb := pngBomb(t)
	if len(bomb) > 4096 {
		t.Fatalf("bomb is %d bytes; it should be tiny", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Check(bomb, Limits{})
	runtime.ReadMemStats(&after)
	if reason(err) != TooManyPix {
		t.Fatalf("Check: %v, want %s", err, TooManyPix)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes: it was decoded", grew)
	}
}

func TestTypeByMIME(t *testing.T) {
	tests := []struct {
		in   string
		want Type
		ok   bool
	}{
		{"image/jpeg", JPEG, true}, {"IMAGE/JPG", JPEG, true}, {"image/png; charset=binary", PNG, true},
		{"application/pdf", PDF, true}, {DOCX.MIME, DOCX, true}, {"text/html", Type{}, false},
		{"image/svg+xml", Type{}, false}, {"", Type{}, false},
	}
	for _, tt := range tests {
		if got, ok := TypeByMIME(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("TypeByMIME(%q) = %q, %v; want %q, %v", tt.in, got.MIME, ok, tt.want.MIME, tt.ok)
		}
	}
}

func TestSize(t *testing.T) {
	for in, want := range map[int64]string{20 * MiB: "20 兆字节", 10 * MiB: "10 兆字节", 3 * MiB / 2: "1.5 兆字节", 2000: "2 千字节", 10: "10 字节"} {
		if got := Size(in); got != want {
			t.Errorf("Size(%d) = %q, want %q", in, got, want)
		}
	}
}
