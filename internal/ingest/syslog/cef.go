package syslog

import (
	"fmt"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

// payload reads a CEF or LEEF payload into ev. h is the syslog header the
// payload came under, or nil.
func payload(s string, ev *event.Event, h *header) error {
	var dev device
	var err error
	if strings.HasPrefix(s, "CEF:") {
		dev, err = parseCEF(s, ev)
	} else {
		dev, err = parseLEEF(s, ev)
	}
	ev.LogSource = event.LogSource{Product: productOf(dev.vendor, dev.product)}
	if ev.Host == "" {
		ev.Host, _ = ev.Get(fDvchost) // CEF's device host name
	}
	if (h == nil || !h.hasTime) && dev.time != "" {
		if t, ok := parseDeviceTime(dev.time); ok {
			ev.Time = t
		}
	}
	return err
}

// device is what a payload says about its sender.
type device struct {
	vendor, product string
	time            string // CEF rt or LEEF devTime, as written
}

var cefHeader = [...]event.FieldID{fCEFVersion, fVendor, fProduct, fDevVersion, fSigID, fName, fSeverity}

// parseCEF reads "CEF:Version|Vendor|Product|Version|Signature ID|Name|
// Severity|Extension". Header fields escape "|" and "\" with a backslash.
func parseCEF(s string, ev *event.Event) (device, error) {
	var dev device
	rest := s[len("CEF:"):]
	for i, id := range cefHeader {
		v, r, ok := cefField(rest)
		if !ok { // the last field there is, unterminated
			ev.Add(id, v)
			return dev, fmt.Errorf("%w CEF header: %d of its 7 fields", ErrMalformed, i+1)
		}
		ev.Add(id, v)
		rest = r
		switch id {
		case fVendor:
			dev.vendor = v
		case fProduct:
			dev.product = v
		}
	}
	var err error
	dev.time, err = cefExtension(rest, len(s)-len(rest), ev)
	return dev, err
}

// cefField reads a header field up to its unescaped "|". Without one it
// returns the rest and false.
func cefField(s string) (string, string, bool) {
	var b []byte // the unescaped field, once an escape is met
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '|' || s[i+1] == '\\') {
				b = append(append(b, s[start:i]...), s[i+1])
				i++
				start = i + 1
			}
		case '|':
			v := s[start:i]
			if b != nil {
				v = string(append(b, v...))
			}
			return v, s[i+1:], true
		}
	}
	v := s[start:]
	if b != nil {
		v = string(append(b, v...))
	}
	return v, "", false
}

var (
	fRT      = event.Intern("rt")
	fDvchost = event.Intern("dvchost")
)

// cefExtension reads the key=value pairs of a CEF extension and returns
// the value of rt. A value runs to the space before the next key: spaces
// inside values need no escape, "=" does. Text that belongs to no key is
// dropped and reported; off is where s starts in the payload.
func cefExtension(s string, off int, ev *event.Event) (rt string, err error) {
	i := skipSpaces(s, 0)
	for i < len(s) {
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return rt, fmt.Errorf("%w CEF extension: no key=value at byte %d", ErrMalformed, off+i)
		}
		key := s[i : i+eq]
		if sp := strings.LastIndexByte(key, ' '); sp >= 0 || key == "" {
			err = fmt.Errorf("%w CEF extension: text without a key at byte %d", ErrMalformed, off+i)
			key = key[sp+1:]
		}
		start := i + eq + 1
		end, next := cefValueEnd(s, start)
		if key != "" {
			v := unescapeCEF(strings.TrimRight(s[start:end], " "))
			id := event.Intern(key)
			ev.Add(id, v)
			if id == fRT {
				rt = v
			}
		}
		i = next
	}
	return rt, err
}

// cefValueEnd finds where the value starting at s[start] ends: at the
// space before the next "key=", or at the end. It returns that end and
// where the next key starts.
func cefValueEnd(s string, start int) (int, int) {
	lastSpace := -1
	for j := start; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) && (s[j+1] == '\\' || s[j+1] == '=') {
				j++
			}
		case ' ':
			lastSpace = j
		case '=':
			if lastSpace >= start && isCEFKey(s[lastSpace+1:j]) {
				return lastSpace, lastSpace + 1
			}
		}
	}
	return len(s), len(s)
}

// isCEFKey reports whether k can be an extension key.
func isCEFKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '.' || c == '-' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

// unescapeCEF undoes the escapes of extension values: \\ \= \| \n \r.
// Other backslashes stay, as senders leave Windows paths unescaped.
func unescapeCEF(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case '\\', '=', '|':
				c = v[i+1]
				i++
			case 'n':
				c = '\n'
				i++
			case 'r':
				c = '\r'
				i++
			}
		}
		b = append(b, c)
	}
	return string(b)
}
