// Package filecheck decides, from a file's bytes alone, whether Jianyan keeps
// it, and returns what is stored: the type is judged by magic numbers (and for
// DOCX and XLSX by the archive's [Content_Types].xml), never by the name or
// the type the client declared, so a renamed HTML page, an SVG or an
// executable is refused whatever it is called.
//
// Accepted: JPEG, PNG and WebP images; PDF, DOCX and XLSX documents.
//
// Images are decoded only after their header shows that they fit a pixel
// budget, so a decompression bomb (a tiny PNG that claims 100,000 × 100,000
// pixels) is refused without being decoded. They are then stored without
// metadata: JPEG and PNG are re-encoded from their pixels (EXIF, GPS, XMP and
// text chunks cannot survive; a JPEG's EXIF orientation is applied to the
// pixels first, so a phone photo stays upright), and WebP — for which Go has
// no encoder — is decoded in full and its RIFF container rebuilt from the
// image chunks alone (EXIF, XMP and ICC chunks and anything appended are
// dropped). Documents are stored as sent, after the archive of a DOCX or XLSX
// passed zip-bomb limits (entry count, unpacked size, compression ratio) and
// unpacked completely with valid checksums.
//
// The package does no I/O and imports nothing of Jianyan: the domain maps its
// Reasons to error kinds.
package filecheck
