package document

import (
	"encoding/json"
	"fmt"
	"time"
)

// A document is stored as it was issued: an issued document is a record,
// and the problems it names go on changing. These methods give Document a
// JSON form that keeps every block's kind, so the stored document prints the
// same later.

type jsonDocument struct {
	IssuerMark  string           `json:"issuer_mark,omitempty"`
	Number      string           `json:"number,omitempty"`
	Title       string           `json:"title"`
	Addressees  []string         `json:"addressees,omitempty"`
	Body        []jsonBlock      `json:"body,omitempty"`
	Attachments []jsonAttachment `json:"attachments,omitempty"`
	Signature   string           `json:"signature,omitempty"`
	Date        time.Time        `json:"date"`
	Note        string           `json:"note,omitempty"`
}

type jsonAttachment struct {
	Title string      `json:"title"`
	Body  []jsonBlock `json:"body,omitempty"`
}

// jsonBlock has exactly one field set.
type jsonBlock struct {
	Heading   *Heading `json:"heading,omitempty"`
	Paragraph *string  `json:"paragraph,omitempty"`
	Table     *Table   `json:"table,omitempty"`
}

func toJSONBlocks(bs []Block) ([]jsonBlock, error) {
	out := make([]jsonBlock, 0, len(bs))
	for i, b := range bs {
		switch b := b.(type) {
		case *Heading:
			out = append(out, jsonBlock{Heading: b})
		case *Paragraph:
			out = append(out, jsonBlock{Paragraph: &b.Text})
		case *Table:
			out = append(out, jsonBlock{Table: b})
		default:
			return nil, fmt.Errorf("block %d: cannot encode %T", i+1, b)
		}
	}
	return out, nil
}

func fromJSONBlocks(js []jsonBlock) ([]Block, error) {
	out := make([]Block, 0, len(js))
	for i, j := range js {
		switch {
		case j.Heading != nil && j.Paragraph == nil && j.Table == nil:
			out = append(out, j.Heading)
		case j.Paragraph != nil && j.Heading == nil && j.Table == nil:
			out = append(out, &Paragraph{Text: *j.Paragraph})
		case j.Table != nil && j.Heading == nil && j.Paragraph == nil:
			out = append(out, j.Table)
		default:
			return nil, fmt.Errorf("block %d: want exactly one of heading, paragraph, table", i+1)
		}
	}
	return out, nil
}

// MarshalJSON encodes d with a tag for every block's kind.
func (d *Document) MarshalJSON() ([]byte, error) {
	body, err := toJSONBlocks(d.Body)
	if err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	j := jsonDocument{IssuerMark: d.IssuerMark, Number: d.Number, Title: d.Title, Addressees: d.Addressees,
		Body: body, Signature: d.Signature, Date: d.Date, Note: d.Note}
	for i, a := range d.Attachments {
		ab, err := toJSONBlocks(a.Body)
		if err != nil {
			return nil, fmt.Errorf("encode document attachment %d: %w", i+1, err)
		}
		j.Attachments = append(j.Attachments, jsonAttachment{Title: a.Title, Body: ab})
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON encoded.
func (d *Document) UnmarshalJSON(data []byte) error {
	var j jsonDocument
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	body, err := fromJSONBlocks(j.Body)
	if err != nil {
		return fmt.Errorf("decode document: %w", err)
	}
	*d = Document{IssuerMark: j.IssuerMark, Number: j.Number, Title: j.Title, Addressees: j.Addressees,
		Body: body, Signature: j.Signature, Date: j.Date, Note: j.Note}
	for i, a := range j.Attachments {
		ab, err := fromJSONBlocks(a.Body)
		if err != nil {
			return fmt.Errorf("decode document attachment %d: %w", i+1, err)
		}
		d.Attachments = append(d.Attachments, Attachment{Title: a.Title, Body: ab})
	}
	return nil
}
