package filecheck

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"
)

// jpegQuality is the quality photos are re-encoded at: visually the same as
// a phone's own output, a little smaller.
const jpegQuality = 90

func cleanImage(t Type, data []byte, lim Limits) (Result, error) {
	var (
		cfg image.Config
		err error
	)
	switch t {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case PNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case WebP:
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Result{}, refuse(Damaged, "%s已损坏,无法读取", t.Label)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > lim.MaxPixels {
		return Result{}, refuse(TooManyPix, "图片尺寸过大(%d×%d 像素),上限为 %d 万像素", cfg.Width, cfg.Height, lim.MaxPixels/10_000)
	}

	var (
		out  bytes.Buffer
		img  image.Image
		body []byte
	)
	switch t {
	case JPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
		if err == nil {
			img = orient(img, exifOrientation(data))
			err = jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQuality})
			body = out.Bytes()
		}
	case PNG:
		img, err = png.Decode(bytes.NewReader(data))
		if err == nil {
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img)
			body = out.Bytes()
		}
	case WebP:
		body, err = rebuildWebP(data)
		if err == nil {
			// Decode what will be stored, so every byte kept is image data
			// a decoder accepts.
			img, err = webp.Decode(bytes.NewReader(body))
		}
	}
	if err != nil {
		return Result{}, refuse(Damaged, "%s已损坏或使用了不支持的编码,无法读取", t.Label)
	}
	b := img.Bounds()
	return Result{Type: t, Body: body, Width: b.Dx(), Height: b.Dy()}, nil
}

// exifOrientation returns the EXIF orientation (1–8) of a JPEG, or 1 when
// it has none. Only IFD0's Orientation tag is read, with every offset
// bounds-checked: a damaged EXIF block means "upright", never a failure.
func exifOrientation(data []byte) int {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xFF {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image: no more headers
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			if o := tiffOrientation(seg[6:]); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
		i += 2 + n
	}
	return 1
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 0
	}
	count := int64(bo.Uint16(t[ifd:]))
	for k := int64(0); k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > int64(len(t)) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // Orientation, SHORT
			return int(bo.Uint16(t[e+8:]))
		}
	}
	return 0
}

// orient turns img upright for an EXIF orientation: 2 mirrored, 3 rotated
// 180°, 4 flipped, 5 transposed, 6 rotated 90° clockwise to view, 7
// transversed, 8 rotated 90° counter-clockwise to view.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+4*w]
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+4*dx:dy*dst.Stride+4*dx+4], row[4*x:4*x+4])
		}
	}
	return dst
}

// rebuildWebP returns a WebP file made of data's image chunks only: a
// simple file's VP8 or VP8L chunk, or an extended file's VP8X header (with
// its ICC, EXIF, XMP and animation flags cleared), ALPH and VP8/VP8L chunks.
// Metadata chunks, unknown chunks and bytes after the RIFF payload are
// dropped. Animations are refused: they are not photos.
func rebuildWebP(data []byte) ([]byte, error) {
	if len(data) < 12 {
		return nil, errWebP
	}
	size := int64(binary.LittleEndian.Uint32(data[4:]))
	if size < 4 || 8+size > int64(len(data)) {
		return nil, errWebP
	}
	payload := data[12 : 8+size]
	var kept [][]byte
	extended := false
	for len(payload) > 0 {
		if len(payload) < 8 {
			return nil, errWebP
		}
		id := string(payload[:4])
		n := int64(binary.LittleEndian.Uint32(payload[4:]))
		padded := n + n&1
		if 8+n > int64(len(payload)) {
			return nil, errWebP
		}
		chunk := payload[:8+n]
		switch id {
		case "VP8X":
			if len(kept) > 0 || n < 10 {
				return nil, errWebP
			}
			if chunk[8]&0x02 != 0 { // animation
				return nil, errWebP
			}
			extended = true
			c := bytes.Clone(chunk)
			c[8] &= 0x10 // keep only the alpha flag
			kept = append(kept, c)
		case "ALPH":
			if !extended {
				return nil, errWebP
			}
			kept = append(kept, chunk)
		case "VP8 ", "VP8L":
			kept = append(kept, chunk)
		case "ANIM", "ANMF":
			return nil, errWebP
		}
		if 8+padded >= int64(len(payload)) {
			break
		}
		payload = payload[8+padded:]
	}
	var out bytes.Buffer
	out.WriteString("RIFF\x00\x00\x00\x00WEBP")
	for _, c := range kept {
		out.Write(c)
		if len(c)%2 == 1 {
			out.WriteByte(0)
		}
	}
	b := out.Bytes()
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b, nil
}

var errWebP = refuse(Damaged, "WebP 图片已损坏或是动图,无法接受")
