package people

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxGoPhishJSON bounds a GoPhish JSON file read into memory.
const maxGoPhishJSON = 256 << 20

// ReadGoPhishJSON reads campaign results in the shape GoPhish's API gives
// them (GET /api/campaigns/{id}/results, or a whole campaign): an object
// with id, name, launch_date, results and timeline, or a list of such
// objects. Timeline events ("Email Sent", "Email Opened", "Clicked Link",
// "Submitted Data", "Email Reported") add to the results and give the
// time each report was made; their details (which can hold submitted
// credentials) are not kept. The whole file is refused, with an
// *ImportError naming the line, when anything is malformed.
func ReadGoPhishJSON(r io.Reader, file string) ([]Campaign, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxGoPhishJSON+1))
	if err != nil {
		return nil, &ImportError{File: file, Reason: err.Error()}
	}
	if len(data) > maxGoPhishJSON {
		return nil, &ImportError{File: file, Reason: fmt.Sprintf("larger than %d bytes", maxGoPhishJSON)}
	}
	p := &gpParser{file: file, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	cs, err := p.document()
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// gpParser walks a GoPhish JSON document token by token, so that every
// error can name its line.
type gpParser struct {
	file string
	data []byte
	dec  *json.Decoder
}

// next returns the offset of the next value: the decoder's offset is the
// end of the last token, before any separator and space.
func (p *gpParser) next() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// errAt builds an *ImportError at a byte offset.
func (p *gpParser) errAt(off int64, field, format string, args ...any) *ImportError {
	line, _ := lineCol(p.data, off)
	return &ImportError{File: p.file, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// wrap turns a decoding error into an *ImportError at its offset.
func (p *gpParser) wrap(err error, field string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ie *ImportError
	switch {
	case errors.As(err, &ie):
		return ie
	case errors.As(err, &se):
		return p.errAt(se.Offset, "", "invalid JSON: %v", se)
	case errors.As(err, &te):
		return p.errAt(te.Offset, joinField(field, te.Field), "must be %s, not JSON %s", jsonKind(te.Type.Kind().String()), te.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return p.errAt(int64(len(p.data)), field, "JSON ends early")
	}
	return p.errAt(p.dec.InputOffset(), field, "%v", err)
}

func joinField(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

// document reads one campaign object or a list of them, and nothing after.
func (p *gpParser) document() ([]Campaign, error) {
	off := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.wrap(err, "")
	}
	var cs []Campaign
	switch tok {
	case json.Delim('{'):
		c, err := p.campaign(off)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	case json.Delim('['):
		if cs, err = p.campaigns(); err != nil {
			return nil, err
		}
	default:
		return nil, p.errAt(off, "", "expected a campaign object or a list of them")
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, p.errAt(p.dec.InputOffset(), "", "more after the end of the campaign data")
	}
	return cs, nil
}

// campaigns reads a list of campaign objects; '[' is consumed.
func (p *gpParser) campaigns() ([]Campaign, error) {
	var cs []Campaign
	for p.dec.More() {
		off := p.next()
		if err := p.expect(json.Delim('{'), "a campaign object"); err != nil {
			return nil, err
		}
		c, err := p.campaign(off)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	_, err := p.dec.Token() // ']'
	return cs, p.orNil(err)
}

// expect reads one delimiter.
func (p *gpParser) expect(d json.Delim, what string) error {
	off := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return p.wrap(err, "")
	}
	if tok != d {
		return p.errAt(off, "", "expected %s", what)
	}
	return nil
}

func (p *gpParser) orNil(err error) error {
	if err != nil {
		return p.wrap(err, "")
	}
	return nil
}

// campaign reads one campaign object; '{' is consumed.
func (p *gpParser) campaign(start int64) (Campaign, error) {
	var c Campaign
	var results []located[gpResult]
	var timeline []located[gpEvent]
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return Campaign{}, p.wrap(err, "")
		}
		key, _ := tok.(string)
		switch key {
		case "id":
			err = p.scalar(&c.ID, "id")
		case "name":
			err = p.scalar(&c.Name, "name")
		case "launch_date":
			var s string
			if err = p.scalar(&s, key); err == nil {
				c.Launched, err = gophishTime(s)
				err = p.fieldErr(err, key)
			}
		case "results":
			results, err = decodeList[gpResult](p, "results")
		case "timeline":
			timeline, err = decodeList[gpEvent](p, "timeline")
		default:
			var skip json.RawMessage
			err = p.orNil(p.dec.Decode(&skip))
		}
		if err != nil {
			return Campaign{}, err
		}
	}
	if _, err := p.dec.Token(); err != nil { // '}'
		return Campaign{}, p.wrap(err, "")
	}
	return p.build(c, start, results, timeline)
}

// fieldErr places a value error at the decoder's offset.
func (p *gpParser) fieldErr(err error, field string) error {
	if err == nil {
		return nil
	}
	return p.errAt(p.dec.InputOffset(), field, "%v", err)
}

// scalar reads a string or number into s.
func (p *gpParser) scalar(s *string, field string) error {
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		return p.wrap(err, field)
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		*s = str
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		*s = n.String()
		return nil
	}
	if string(raw) == "null" {
		return nil
	}
	return p.errAt(p.dec.InputOffset(), field, "must be a string or a number")
}

// located is a list element with where it starts, for errors.
type located[T any] struct {
	off int64
	v   T
}

// decodeList reads a JSON list, keeping each element's offset.
func decodeList[T any](p *gpParser, field string) ([]located[T], error) {
	off := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.wrap(err, field)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, p.errAt(off, field, "must be a list")
	}
	out := []located[T]{}
	for i := 0; p.dec.More(); i++ {
		el := located[T]{off: p.next()}
		if err := p.dec.Decode(&el.v); err != nil {
			return nil, p.wrap(err, fmt.Sprintf("%s[%d]", field, i))
		}
		out = append(out, el)
	}
	_, err = p.dec.Token() // ']'
	return out, p.orNil(err)
}

// gpResult is one element of GoPhish's results list (the fields read).
type gpResult struct {
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Position  string `json:"position"`
	Status    string `json:"status"`
	Reported  bool   `json:"reported"`
	SendDate  string `json:"send_date"`
}

// gpEvent is one element of GoPhish's timeline (details not read).
type gpEvent struct {
	Email   string `json:"email"`
	Time    string `json:"time"`
	Message string `json:"message"`
}

// build checks the results and merges the timeline into them.
func (p *gpParser) build(c Campaign, start int64, results []located[gpResult], timeline []located[gpEvent]) (Campaign, error) {
	if results == nil {
		return Campaign{}, p.errAt(start, "results", "missing: a campaign needs its results list")
	}
	byEmail := map[string]int{}
	for i, r := range results {
		rec, err := r.v.recipient()
		if err != nil {
			return Campaign{}, p.errAt(r.off, fmt.Sprintf("results[%d].%s", i, err.Field), "%s", err.Reason)
		}
		key := strings.ToLower(rec.Email)
		if _, dup := byEmail[key]; dup {
			return Campaign{}, p.errAt(r.off, fmt.Sprintf("results[%d].email", i), "%q appears twice in the results", rec.Email)
		}
		byEmail[key] = len(c.Recipients)
		c.Recipients = append(c.Recipients, rec)
	}
	for i, e := range timeline {
		if err := c.applyEvent(byEmail, e.v); err != nil {
			return Campaign{}, p.errAt(e.off, fmt.Sprintf("timeline[%d].%s", i, err.Field), "%s", err.Reason)
		}
	}
	return c, nil
}

// recipient checks a result and turns it into a Recipient.
func (r gpResult) recipient() (Recipient, *FieldError) {
	if strings.TrimSpace(r.Email) == "" {
		return Recipient{}, &FieldError{"email", "empty; every result needs an email"}
	}
	if err := checkGoPhishStatus(r.Status); err != nil {
		return Recipient{}, &FieldError{"status", err.Error()}
	}
	rec := Recipient{Email: strings.TrimSpace(r.Email), FirstName: r.FirstName, LastName: r.LastName, Position: r.Position, Reported: r.Reported}
	rec.applyStatus(r.Status)
	t, err := gophishTime(r.SendDate)
	if err != nil {
		return Recipient{}, &FieldError{"send_date", err.Error()}
	}
	rec.SentAt = t
	return rec, nil
}

// applyEvent adds one timeline event to its recipient. Events GoPhish
// writes for the campaign itself, or that say nothing about a recipient's
// steps ("Campaign Created", "Proxied request"), are passed over.
func (c *Campaign) applyEvent(byEmail map[string]int, e gpEvent) *FieldError {
	if _, known := gpStatuses[e.Message]; !known || e.Email == "" {
		return nil
	}
	i, ok := byEmail[strings.ToLower(strings.TrimSpace(e.Email))]
	if !ok {
		return &FieldError{"email", fmt.Sprintf("%q is in the timeline but not in the results", e.Email)}
	}
	t, err := gophishTime(e.Time)
	if err != nil {
		return &FieldError{"time", err.Error()}
	}
	rec := &c.Recipients[i]
	rec.applyStatus(e.Message)
	switch e.Message {
	case gpSent:
		if rec.SentAt.IsZero() || (!t.IsZero() && t.Before(rec.SentAt)) {
			rec.SentAt = t
		}
	case gpReported:
		if rec.ReportedAt.IsZero() || (!t.IsZero() && t.Before(rec.ReportedAt)) {
			rec.ReportedAt = t
		}
	}
	return nil
}
