package people

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// Report is a suspected phishing email reported by a member of staff,
// through the API or by forwarding it to the reporting mailbox.
type Report struct {
	ID         string              `json:"id"`
	Reporter   string              `json:"reporter"`    // the reporter's email address
	ReceivedAt time.Time           `json:"received_at"` // when the suspect email arrived
	ReportedAt time.Time           `json:"reported_at"` // when Vigil took the report
	Subject    string              `json:"subject"`
	From       string              `json:"from"`
	URLs       []string            `json:"urls,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	Raw        string              `json:"raw,omitempty"` // the suspect message, RFC 5322
	Via        string              `json:"via"`           // "api" or "mailbox"
}

// FieldError says which field of a report is wrong and why; the handler
// answers it with 400.
type FieldError struct {
	Field  string // JSON field name; "" for the body as a whole
	Reason string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// Limits on one report, against a body that floods the store.
const (
	maxURLs      = 1000
	maxURLLength = 8192
	maxHeaders   = 500
)

// reportBody is the JSON a client sends; received_at is a string so that
// a bad date is reported against its field.
type reportBody struct {
	Reporter   string               `json:"reporter"`
	ReceivedAt string               `json:"received_at"`
	Subject    string               `json:"subject"`
	From       string               `json:"from"`
	URLs       []string             `json:"urls"`
	Headers    map[string]oneOrMany `json:"headers"`
	Raw        string               `json:"raw"`
}

// oneOrMany is a header value sent as a string or a list of strings.
type oneOrMany []string

// UnmarshalJSON accepts "v" or ["v1", "v2"].
func (v *oneOrMany) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = oneOrMany{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return &FieldError{"headers", "a header value is a string or a list of strings"}
	}
	*v = l
	return nil
}

// ParseReportJSON reads and validates a report sent as JSON: reporter
// (an email address) and received_at are required, and headers or raw
// (the message as RFC 5322 text) must be given; subject, from and urls
// missing from the body are taken from raw. Unknown fields are refused.
// Errors are *FieldError naming the field. The report has no ID yet.
func ParseReportJSON(data []byte) (Report, error) {
	var b reportBody
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Report{}, jsonFieldError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Report{}, &FieldError{Reason: "body: more than one JSON value; send one report object"}
	}
	return b.report()
}

// report validates a decoded body and fills the gaps from raw.
func (b *reportBody) report() (Report, error) {
	r := Report{Reporter: strings.TrimSpace(b.Reporter), Subject: b.Subject, From: b.From, Raw: b.Raw, Via: "api"}
	if r.Reporter == "" {
		return Report{}, &FieldError{"reporter", "required: the email address of the person reporting"}
	}
	if err := checkEmail(r.Reporter); err != nil {
		return Report{}, &FieldError{"reporter", err.Error()}
	}
	if b.ReceivedAt == "" {
		return Report{}, &FieldError{"received_at", "required: when the email arrived (RFC 3339)"}
	}
	t, err := parseDate(b.ReceivedAt)
	if err != nil {
		return Report{}, &FieldError{"received_at", err.Error()}
	}
	r.ReceivedAt = t
	if len(b.Headers) == 0 && b.Raw == "" {
		return Report{}, &FieldError{"headers", "give the message's headers or the raw message (raw)"}
	}
	if r.Headers, err = checkHeaders(b.Headers); err != nil {
		return Report{}, err
	}
	if r.URLs, err = checkURLs(b.URLs); err != nil {
		return Report{}, err
	}
	if b.Raw != "" {
		if err := r.fillFromRaw(); err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

// fillFromRaw parses the raw message and takes what the body left out.
func (r *Report) fillFromRaw() error {
	m, err := parseSuspect([]byte(r.Raw))
	if err != nil {
		return &FieldError{"raw", err.Error()}
	}
	if r.Subject == "" {
		r.Subject = m.subject
	}
	if r.From == "" {
		r.From = m.from
	}
	if len(r.URLs) == 0 {
		r.URLs = m.urls
	}
	if len(r.Headers) == 0 {
		r.Headers = m.headers
	}
	return nil
}

// checkHeaders bounds the headers sent.
func checkHeaders(h map[string]oneOrMany) (map[string][]string, error) {
	if len(h) == 0 {
		return nil, nil
	}
	if len(h) > maxHeaders {
		return nil, &FieldError{"headers", fmt.Sprintf("%d headers; at most %d", len(h), maxHeaders)}
	}
	out := make(map[string][]string, len(h))
	for k, v := range h {
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, ": \r\n") {
			return nil, &FieldError{"headers", fmt.Sprintf("%q is not a header name", k)}
		}
		out[k] = v
	}
	return out, nil
}

// checkURLs refangs ("hxxp", "[.]") and checks each URL is absolute.
func checkURLs(in []string) ([]string, error) {
	if len(in) > maxURLs {
		return nil, &FieldError{"urls", fmt.Sprintf("%d URLs; at most %d", len(in), maxURLs)}
	}
	var out []string
	for i, s := range in {
		u, err := refang(s)
		if err != nil {
			return nil, &FieldError{fmt.Sprintf("urls[%d]", i), err.Error()}
		}
		out = append(out, u)
	}
	return out, nil
}

// refang undoes the usual defanging of a reported URL and checks that it
// is absolute, with a scheme and a host.
func refang(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxURLLength {
		return "", fmt.Errorf("URL of %d bytes; at most %d", len(s), maxURLLength)
	}
	s = strings.NewReplacer("[.]", ".", "(.)", ".", "[:]", ":", "[://]", "://").Replace(s)
	if l := strings.ToLower(s); strings.HasPrefix(l, "hxxp") {
		s = "http" + s[4:]
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %v", s, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute URL (scheme and host)", s)
	}
	return u.String(), nil
}

// jsonFieldError turns a decoding error into a *FieldError naming the
// field, or the line and column of a syntax error.
func jsonFieldError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var fe *FieldError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset)
		return &FieldError{Reason: fmt.Sprintf("body: invalid JSON at line %d, column %d: %v", line, col, se)}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return &FieldError{field, fmt.Sprintf("must be %s, not JSON %s", jsonKind(te.Type.Kind().String()), te.Value)}
	case errors.Is(err, io.EOF):
		return &FieldError{Reason: "body: empty; send a JSON report object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FieldError{Reason: "body: JSON ends early"}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &FieldError{strings.Trim(name, `"`), "unknown field; allowed: reporter, received_at, subject, from, urls, headers, raw"}
	}
	return &FieldError{Reason: "body: " + msg}
}

// jsonKind names a Go kind in JSON terms.
func jsonKind(k string) string {
	switch k {
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return "a " + k
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
