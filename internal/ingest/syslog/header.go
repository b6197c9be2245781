package syslog

import (
	"fmt"
	"strings"
	"time"
)

// header is a parsed syslog header. Strings are substrings of the line.
type header struct {
	line     string
	pri      int // -1 when the line has no PRI
	rfc5424  bool
	time     time.Time // in the zone the line gave, if any
	hasTime  bool
	hostname string
	appname  string
	procid   string
	msgid    string
	tag      string // RFC 3164 tag as written, colon included
	msg      string // RFC 3164: what follows the tag, leading space included; RFC 5424: MSG
	message  string // msg without the space that separates it
	sd       []sdParam
	sdErr    error
}

type sdParam struct{ id, name, value string }

// parseHeader reads the syslog header of line. It reports false when the
// line has neither a PRI nor a timestamp at its start.
func parseHeader(line string, ref time.Time) (*header, bool) {
	h := &header{line: line, pri: -1}
	rest := line
	if pri, r, ok := parsePRI(rest); ok {
		h.pri, rest = pri, r
		if strings.HasPrefix(rest, "1 ") {
			h.parse5424(rest[2:])
			return h, true
		}
		rest = strings.TrimPrefix(rest, " ") // some senders put a space after PRI
	}
	t, r, ok := parseTimestamp(rest, ref)
	switch {
	case ok:
		h.time, h.hasTime, rest = t, true, r
		rest = h.host(rest)
	case h.pri < 0:
		return nil, false
	}
	h.parseTag(rest)
	return h, true
}

// parsePRI reads "<N>" with N from 0 to 191.
func parsePRI(s string) (int, string, bool) {
	if len(s) < 3 || s[0] != '<' {
		return 0, s, false
	}
	n, i := 0, 1
	for ; i < len(s) && i <= 4 && '0' <= s[i] && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if i == 1 || i >= len(s) || s[i] != '>' || n > 191 {
		return 0, s, false
	}
	return n, s[i+1:], true
}

// host reads the hostname that follows an RFC 3164 timestamp. A first word
// that cannot be a hostname (it ends in a colon, holds a bracket or other
// characters hostnames do not have) is the tag of a line without one.
func (h *header) host(rest string) string {
	rest = strings.TrimPrefix(rest, " ")
	if isPayload(rest) {
		return rest
	}
	word, after, found := strings.Cut(rest, " ")
	if !isHostname(word) {
		return rest
	}
	h.hostname = word
	if !found {
		return ""
	}
	return after // exactly one space separates: a second one means no tag
}

func isHostname(w string) bool {
	if w == "" || w[len(w)-1] == ':' {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '-' || c == '_' || c == ':' || c >= 0x80) {
			return false
		}
	}
	return true
}

// parseTag reads an RFC 3164 tag, "app[pid]:", and the message after it.
// Like rsyslog, the tag ends at a space, a colon or a bracket.
func (h *header) parseTag(rest string) {
	if isPayload(rest) {
		h.msg, h.message = rest, rest
		return
	}
	i := strings.IndexAny(rest, " :[")
	if i < 0 {
		i = len(rest)
	}
	h.appname = rest[:i]
	j := i
	if j < len(rest) && rest[j] == '[' {
		k := strings.IndexAny(rest[j:], "] ")
		if k > 0 && rest[j+k] == ']' {
			h.procid = rest[j+1 : j+k]
			j += k + 1
		} else { // an unclosed bracket is part of the tag
			if k = strings.IndexAny(rest[j:], " :"); k < 0 {
				k = len(rest) - j
			}
			j += k
			h.appname = rest[:j]
		}
	}
	if j < len(rest) && rest[j] == ':' {
		j++
	}
	h.tag = rest[:j]
	h.msg = rest[j:]
	h.message = strings.TrimPrefix(h.msg, " ")
}

// parse5424 reads the rest of an RFC 5424 header, after "<PRI>1 ".
func (h *header) parse5424(rest string) {
	h.rfc5424 = true
	var ts string
	ts, rest = word(rest)
	if t, ok := parseRFC3339(ts); ok {
		h.time, h.hasTime = t, true
	}
	h.hostname, rest = word(rest)
	h.appname, rest = word(rest)
	h.procid, rest = word(rest)
	h.msgid, rest = word(rest)
	rest = h.structuredData(rest)
	rest = strings.TrimPrefix(rest, " ")
	rest = strings.TrimPrefix(rest, "\ufeff") // the BOM that marks UTF-8
	h.msg, h.message = rest, rest
}

// word returns the next space-delimited header field, "" for the nil value
// "-", and what follows its space.
func word(s string) (string, string) {
	w, rest, _ := strings.Cut(s, " ")
	if w == "-" {
		w = ""
	}
	return w, rest
}

// structuredData reads RFC 5424 structured data and returns what follows.
// Malformed structured data is left in the message and recorded.
func (h *header) structuredData(rest string) string {
	if strings.HasPrefix(rest, "-") {
		return rest[1:]
	}
	if !strings.HasPrefix(rest, "[") {
		return rest
	}
	params, n, err := parseSD(rest)
	if err != nil {
		h.sdErr = fmt.Errorf("%w structured data at byte %d: %v", ErrMalformed, len(h.line)-len(rest)+n, err)
		return rest
	}
	h.sd = params
	return rest[n:]
}

// parseSD reads SD-ELEMENTs, [id name="value" ...]..., and returns the
// parameters and how many bytes they took, or where they went wrong. It
// is lenient about spaces around "=", which some senders put there.
func parseSD(s string) ([]sdParam, int, error) {
	var params []sdParam
	i := 0
	for i < len(s) && s[i] == '[' {
		j := i + 1
		for j < len(s) && s[j] != ' ' && s[j] != ']' {
			j++
		}
		id := s[i+1 : j]
		if id == "" {
			return nil, j, fmt.Errorf("empty SD-ID")
		}
		i = j
		for {
			i = skipSpaces(s, i)
			if i >= len(s) {
				return nil, i, fmt.Errorf("element %q is not closed", id)
			}
			if s[i] == ']' {
				i++
				break
			}
			p, n, err := parseSDParam(s, i)
			if err != nil {
				return nil, n, err
			}
			p.id = id
			params = append(params, p)
			i = n
		}
	}
	return params, i, nil
}

// parseSDParam reads name="value" at s[i:].
func parseSDParam(s string, i int) (sdParam, int, error) {
	start := i
	for i < len(s) && s[i] != '=' && s[i] != ' ' && s[i] != ']' && s[i] != '"' {
		i++
	}
	name := s[start:i]
	i = skipSpaces(s, i)
	if name == "" || i >= len(s) || s[i] != '=' {
		return sdParam{}, i, fmt.Errorf("want name=\"value\"")
	}
	i = skipSpaces(s, i+1)
	if i >= len(s) || s[i] != '"' {
		return sdParam{}, i, fmt.Errorf("value of %q is not quoted", name)
	}
	i++
	var b []byte // the unescaped value, once an escape is met
	for j := i; j < len(s); j++ {
		c := s[j]
		if c == '\\' && j+1 < len(s) && strings.IndexByte(`"\]`, s[j+1]) >= 0 {
			b = append(append(b, s[i:j]...), s[j+1])
			j++
			i = j + 1
			continue
		}
		if c == '"' {
			v := s[i:j]
			if b != nil {
				v = string(append(b, v...))
			}
			return sdParam{name: name, value: v}, j + 1, nil
		}
	}
	return sdParam{}, len(s), fmt.Errorf("value of %q is not closed", name)
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// isPayload reports a CEF or LEEF payload.
func isPayload(s string) bool {
	return strings.HasPrefix(s, "CEF:") || strings.HasPrefix(s, "LEEF:")
}
