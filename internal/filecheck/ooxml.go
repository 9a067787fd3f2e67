package filecheck

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// Main-part content types of the accepted Office Open XML documents.
const (
	docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

// maxContentTypes bounds [Content_Types].xml, a few KiB in real files.
const maxContentTypes = 1 * MiB

type contentTypes struct {
	Overrides []struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

// checkOOXML accepts a zip that is a DOCX or an XLSX: within the unpacking
// limits, unencrypted, no duplicate names, every part unpacking to its
// declared size with a valid checksum, and a [Content_Types].xml naming a
// document or workbook main part that exists. Macro-enabled and template
// variants are refused with everything else.
func checkOOXML(data []byte, lim Limits) (Type, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Type{}, refuse(Damaged, "压缩文档已损坏,无法读取")
	}
	if len(zr.File) > lim.MaxEntries {
		return Type{}, refuse(ZipBomb, "文档包含的部件过多(%d 个),疑似恶意文件", len(zr.File))
	}
	names := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		if _, dup := names[f.Name]; dup {
			return Type{}, refuse(Damaged, "压缩文档中有重名部件,无法接受")
		}
		names[f.Name] = f
		if f.Flags&0x1 != 0 {
			return Type{}, refuse(Unsupported, "不接受加密的文档,请去掉密码后再上传")
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnpacked) {
			return Type{}, refuse(ZipBomb, "文档解压后超过 %s,疑似压缩炸弹,已拒绝", Size(lim.MaxUnpacked))
		}
		if f.UncompressedSize64 >= ratioFloor && f.UncompressedSize64 > maxRatio*f.CompressedSize64 {
			return Type{}, refuse(ZipBomb, "文档的压缩比异常,疑似压缩炸弹,已拒绝")
		}
	}

	ct, ok := names["[Content_Types].xml"]
	if !ok || ct.UncompressedSize64 > maxContentTypes {
		return Type{}, unsupported(false)
	}
	rc, err := ct.Open()
	if err != nil {
		return Type{}, refuse(Damaged, "压缩文档已损坏,无法读取")
	}
	var types contentTypes
	err = xml.NewDecoder(io.LimitReader(rc, maxContentTypes)).Decode(&types)
	_ = rc.Close()
	if err != nil {
		return Type{}, refuse(Damaged, "文档的内容类型清单已损坏,无法读取")
	}
	var got Type
	for _, o := range types.Overrides {
		var t Type
		switch strings.ToLower(strings.TrimSpace(o.ContentType)) {
		case docxMain:
			t = DOCX
		case xlsxMain:
			t = XLSX
		default:
			continue
		}
		if _, exists := names[strings.TrimPrefix(o.PartName, "/")]; !exists {
			return Type{}, refuse(Damaged, "%s缺少正文部件,无法读取", t.Label)
		}
		if got != (Type{}) && got != t {
			return Type{}, unsupported(false)
		}
		got = t
	}
	if got == (Type{}) {
		return Type{}, unsupported(false)
	}

	// Unpack everything once: archive/zip fails a part that unpacks to more
	// or less than it declared or whose CRC-32 is wrong, and the declared
	// total is already bounded, so this costs at most MaxUnpacked.
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return Type{}, refuse(Damaged, "压缩文档已损坏,无法读取")
		}
		_, err = io.Copy(io.Discard, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		_ = rc.Close()
		if err != nil {
			return Type{}, refuse(Damaged, "压缩文档已损坏,无法读取")
		}
	}
	return got, nil
}
