package people

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// MaxMailBytes is the largest forwarded message ReadReportMail takes, the
// usual limit of mail systems.
const MaxMailBytes = 25 << 20

// Bounds on walking a message's MIME structure.
const (
	maxMIMEDepth = 5
	maxMIMEParts = 200
	maxMailURLs  = 200
	maxTextKept  = 1 << 20
)

// suspect is what is read from a suspect message.
type suspect struct {
	subject, from string
	date          time.Time
	urls          []string
	headers       map[string][]string
	inner         []byte // an attached original (message/rfc822), if any
	text          string // the first text part, for an inline forward's "From:" line
}

// ReadReportMail reads a report from a message forwarded to the reporting
// mailbox (RFC 5322, as net/mail reads it). The forwarder is the
// reporter. When the suspect email is attached (message/rfc822), its
// headers, subject, sender, date and links are read from the attachment;
// otherwise, from the forward itself, with the "Fwd:" taken off the
// subject and the original sender taken from the forwarded text when it
// shows one. name says where the message came from in errors.
func ReadReportMail(r io.Reader, name string) (Report, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxMailBytes+1))
	if err != nil {
		return Report{}, fmt.Errorf("phishing mail %s: %w", name, err)
	}
	if len(raw) > MaxMailBytes {
		return Report{}, fmt.Errorf("phishing mail %s: larger than %d bytes", name, MaxMailBytes)
	}
	outer, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Report{}, fmt.Errorf("phishing mail %s: %w", name, err)
	}
	reporter, err := addressOf(outer.Header.Get("From"))
	if err != nil {
		return Report{}, fmt.Errorf("phishing mail %s: From: %w", name, err)
	}
	fwd, err := parseSuspect(raw)
	if err != nil {
		return Report{}, fmt.Errorf("phishing mail %s: %w", name, err)
	}
	rep := Report{Reporter: reporter, Via: "mailbox", Subject: stripForward(fwd.subject), From: forwardedFrom(fwd), ReceivedAt: fwd.date, URLs: fwd.urls, Headers: fwd.headers, Raw: string(raw)}
	if fwd.inner != nil {
		orig, err := parseSuspect(fwd.inner)
		if err != nil {
			return Report{}, fmt.Errorf("phishing mail %s: attached message: %w", name, err)
		}
		rep.Subject, rep.From, rep.URLs, rep.Headers, rep.Raw = orig.subject, orig.from, orig.urls, orig.headers, string(fwd.inner)
		if !orig.date.IsZero() {
			rep.ReceivedAt = orig.date
		}
	}
	return rep, nil
}

// parseSuspect reads a message's headers, links and any attached message.
func parseSuspect(raw []byte) (suspect, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return suspect{}, fmt.Errorf("not an RFC 5322 message: %w", err)
	}
	dec := new(mime.WordDecoder)
	s := suspect{headers: map[string][]string(m.Header)}
	if s.subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		s.subject = m.Header.Get("Subject")
	}
	s.subject = oneLine(s.subject)
	if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		s.from = a.Address
	} else {
		s.from = oneLine(m.Header.Get("From"))
	}
	if d, err := mail.ParseDate(m.Header.Get("Date")); err == nil {
		s.date = d.UTC()
	}
	w := walker{s: &s}
	if err := w.part(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body, 0); err != nil {
		return suspect{}, err
	}
	return s, nil
}

// walker collects links and the first attached message from MIME parts.
type walker struct {
	s     *suspect
	parts int
	seen  map[string]bool
}

// part reads one MIME part (the message body is the first).
func (w *walker) part(ctype, cte string, body io.Reader, depth int) error {
	if w.parts++; w.parts > maxMIMEParts {
		return fmt.Errorf("more than %d MIME parts", maxMIMEParts)
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if ctype == "" || err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= maxMIMEDepth {
			return fmt.Errorf("MIME parts nested deeper than %d", maxMIMEDepth)
		}
		return w.multipart(body, params["boundary"], depth)
	}
	data, err := io.ReadAll(decodeTransfer(cte, body))
	if err != nil {
		return fmt.Errorf("%s part: %w", mt, err)
	}
	switch mt {
	case "message/rfc822":
		if w.s.inner == nil {
			w.s.inner = data
		}
	case "text/plain", "text/html":
		text := string(data)
		if mt == "text/html" {
			text = html.UnescapeString(text)
		}
		w.links(text)
		if w.s.text == "" {
			w.s.text = text[:min(len(text), maxTextKept)]
		}
	}
	return nil
}

// multipart walks the parts of a multipart body.
func (w *walker) multipart(body io.Reader, boundary string, depth int) error {
	if boundary == "" {
		return errors.New("multipart body without a boundary")
	}
	mr := multipart.NewReader(body, boundary)
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("multipart: %w", err)
		}
		if err := w.part(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1); err != nil {
			return err
		}
	}
}

// decodeTransfer undoes a Content-Transfer-Encoding.
func decodeTransfer(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &noSpace{r: bufio.NewReader(r)})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// noSpace drops the line breaks and spaces base64 bodies are wrapped with.
type noSpace struct{ r *bufio.Reader }

func (n *noSpace) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		c, err := n.r.ReadByte()
		if err != nil {
			if k > 0 {
				return k, nil
			}
			return 0, err
		}
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[k] = c
			k++
		}
	}
	return k, nil
}

// linkPattern finds web links in text, defanged ones included.
var linkPattern = regexp.MustCompile(`(?i)\b(?:https?|hxxps?)(?:://|\[://\])[^\s"'<>(){}]+`)

// links adds the links found in text, each once, up to maxMailURLs.
func (w *walker) links(text string) {
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	for _, m := range linkPattern.FindAllString(text, -1) {
		if len(w.s.urls) >= maxMailURLs {
			return
		}
		u, err := refang(strings.TrimRight(m, ".,;:!?]"))
		if err != nil || w.seen[u] {
			continue
		}
		w.seen[u] = true
		w.s.urls = append(w.s.urls, u)
	}
}

// addressOf returns the bare address of an address header.
func addressOf(h string) (string, error) {
	if h == "" {
		return "", errors.New("missing")
	}
	a, err := mail.ParseAddress(h)
	if err != nil {
		return "", fmt.Errorf("%q: %w", h, err)
	}
	return a.Address, nil
}

// forwardPrefix matches the markers mail clients put before a forwarded
// subject: "Fwd:", "FW:", "Fw:", possibly repeated.
var forwardPrefix = regexp.MustCompile(`(?i)^\s*((fwd?|fw)\s*:\s*)+`)

// stripForward takes the forwarding markers off a subject.
func stripForward(s string) string {
	return strings.TrimSpace(forwardPrefix.ReplaceAllString(s, ""))
}

// forwardedFromLine matches the "From:" line a client writes at the top
// of an inline forward.
var forwardedFromLine = regexp.MustCompile(`(?mi)^[>\s]*From:\s*(.+?)\s*$`)

// forwardedFrom returns the original sender shown in an inline forward's
// text, or "" when the text shows none (the forward's own sender is the
// reporter, not the suspect).
func forwardedFrom(fwd suspect) string {
	sub := forwardedFromLine.FindStringSubmatch(fwd.text)
	if sub == nil {
		return ""
	}
	if a, err := mail.ParseAddress(sub[1]); err == nil {
		return a.Address
	}
	return oneLine(sub[1])
}
