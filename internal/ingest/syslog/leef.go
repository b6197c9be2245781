package syslog

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

var (
	leefHeader = [...]event.FieldID{fLEEFVer, fVendor, fProduct, fDevVersion, fSigID}
	fDevTime   = event.Intern("devTime")
)

// parseLEEF reads "LEEF:Version|Vendor|Product|Version|EventID|" followed,
// in LEEF 2.0, by an optional delimiter field and then the attributes,
// key=value separated by the delimiter (a tab unless LEEF 2.0 names
// another).
func parseLEEF(s string, ev *event.Event) (device, error) {
	var dev device
	rest := s[len("LEEF:"):]
	for i, id := range leefHeader {
		v, r, found := strings.Cut(rest, "|")
		ev.Add(id, v)
		if !found && i < len(leefHeader)-1 {
			return dev, fmt.Errorf("%w LEEF header: %d of its 5 fields", ErrMalformed, i+1)
		}
		rest = r
		switch id {
		case fVendor:
			dev.vendor = v
		case fProduct:
			dev.product = v
		}
	}
	delim := "\t"
	version, _ := ev.Get(fLEEFVer)
	if strings.HasPrefix(version, "2") {
		if d, r, ok := leefDelimiter(rest); ok {
			delim, rest = d, r
		}
	}
	if delim == "\t" && !strings.Contains(rest, "\t") && strings.Contains(rest, `\t`) {
		delim = `\t` // the tab written out, as some senders and samples do
	}
	dev.time = leefAttributes(rest, delim, ev)
	return dev, nil
}

// leefDelimiter reads LEEF 2.0's delimiter field, a character or its code
// in hex ("0x5E" or "x5E"), when the text before the next "|" is one.
func leefDelimiter(s string) (string, string, bool) {
	if strings.HasPrefix(s, "||") { // the pipe itself
		return "|", s[2:], true
	}
	f, rest, found := strings.Cut(s, "|")
	if !found {
		return "", s, false
	}
	switch {
	case f == "":
		return "\t", rest, true
	case len(f) == 1 && f != "=":
		return f, rest, true
	}
	hex, ok := strings.CutPrefix(strings.ToLower(f), "0x")
	if !ok {
		hex, ok = strings.CutPrefix(strings.ToLower(f), "x")
	}
	if !ok || len(hex) == 0 || len(hex) > 4 {
		return "", s, false
	}
	r, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || r == 0 {
		return "", s, false
	}
	return string(rune(r)), rest, true
}

// leefAttributes reads key=value attributes and returns devTime. A part
// without "=" belongs to the previous value, whose text held the delimiter.
func leefAttributes(s, delim string, ev *event.Event) (devTime string) {
	var lastID event.FieldID
	var last string
	flush := func() {
		if lastID != 0 {
			ev.Add(lastID, last)
			if lastID == fDevTime {
				devTime = last
			}
		}
	}
	for part := range strings.SplitSeq(s, delim) {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			if lastID != 0 && part != "" {
				last += delim + part
			}
			continue
		}
		flush()
		lastID, last = event.Intern(k), v
	}
	flush()
	return devTime
}
