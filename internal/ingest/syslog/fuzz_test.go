package syslog

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vigilhealth/vigil/internal/event"
)

// FuzzParse checks that any line parses without panicking, that binary
// lines give an empty event, and that every other line keeps a message and
// a UTC time.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<38>Mar  5 10:00:01 web-1 sshd[4242]: session opened",
		`<165>1 2003-10-11T22:14:15.003Z host app 12 ID47 [a@1 x="1" y="\"q\""][b@2] msg`,
		"<14>Aug 30 23:00:05 X4711 ",
		"<6>AUG 10 22:18:24 2009  netips-warden2-p [audit] user=[*SMS]",
		"<134>Jan 17 2020 08:52:10 fw CEF:0|V|P|1|2|N|3|src=1 msg=a b\\=c",
		"LEEF:2.0|V|P|1|E|^|a=1^b=2",
		`type=USER_CMD msg=audit(1.5:1): msg='cmd=6C73 res=ok'`,
		"plain text", "<1>", "<12", "x\x00y",
	} {
		f.Add([]byte(s))
	}
	var ev event.Event
	f.Fuzz(func(t *testing.T, line []byte) {
		err := Parse(line, &ev, testRef)
		if errors.Is(err, ErrBinary) {
			if ev.Len() != 0 || (utf8.Valid(line) && !strings.Contains(string(line), "\x00")) {
				t.Fatalf("Parse(%q) = %v with %d fields", line, err, ev.Len())
			}
			return
		}
		if err != nil && !errors.Is(err, ErrNotSyslog) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("Parse(%q) = %v, an error of no kind", line, err)
		}
		if !ev.Has(fMessage) {
			t.Fatalf("Parse(%q) kept no message", line)
		}
		if !ev.Time.IsZero() && ev.Time.Location() != time.UTC {
			t.Fatalf("Parse(%q) Time %v is not UTC", line, ev.Time)
		}
	})
}

// FuzzCEF builds CEF lines from arbitrary header and extension values,
// escaped as the format says, and checks that parsing gives them back; it
// also feeds the raw strings as a payload to find panics.
func FuzzCEF(f *testing.F) {
	f.Add("Check Point", "VPN-1 & FireWall-1", "cs1", `a b\c=d|e`, "x=1 y")
	f.Add(`V|e\n`, "P", "src", "  spaced  ", "")
	f.Add("V", "P", "k", "line\nbreak\r", "|||")
	f.Fuzz(func(t *testing.T, vendor, product, key, value, raw string) {
		var ev event.Event
		parseCEF("CEF:"+raw, &ev) // must not panic, whatever raw holds
		if !isCEFKey(key) || strings.ContainsAny(vendor+product, "\r\n") {
			return
		}
		ev.Reset()
		line := "CEF:0|" + escapeHeader(vendor) + "|" + escapeHeader(product) + "|1|2|N|3|" + key + "=" + escapeExt(value) + " z=end"
		if _, err := parseCEF(line, &ev); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		vs := values(&ev, key)
		want := strings.TrimRight(value, " ")
		if got, _ := ev.Get(fVendor); got != vendor {
			t.Fatalf("%q: deviceVendor = %q, want %q", line, got, vendor)
		}
		if got, _ := ev.Get(fProduct); got != product {
			t.Fatalf("%q: deviceProduct = %q, want %q", line, got, product)
		}
		if len(vs) == 0 || vs[0] != want { // a key named z has "end" as its second value

			t.Fatalf("%q: %s = %q, want %q", line, key, vs, want)
		}
	})
}

func escapeHeader(s string) string {
	return strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(s)
}

func escapeExt(s string) string {
	return strings.NewReplacer(`\`, `\\`, `=`, `\=`, "\n", `\n`, "\r", `\r`).Replace(s)
}

// FuzzLEEF builds LEEF 2.0 lines with a chosen delimiter and checks that
// parsing gives the attributes back; the raw string is also parsed as a
// payload to find panics.
func FuzzLEEF(f *testing.F) {
	f.Add(byte('^'), "usrName", "alice", "src", "10.0.0.1", "")
	f.Add(byte('\t'), "a", "x=y", "b", "", "2.0|V|P|1|E|x|")
	f.Add(byte('|'), "a", "1", "b", "2", "1.0|V")
	f.Fuzz(func(t *testing.T, delim byte, k1, v1, k2, v2, raw string) {
		var ev event.Event
		parseLEEF("LEEF:"+raw, &ev) // must not panic, whatever raw holds
		d := string(rune(delim))
		if delim == 0 || delim == '=' || delim >= 0x80 || !leefKeyOK(k1, d) || !leefKeyOK(k2, d) ||
			strings.Contains(v1+v2, d) || strings.EqualFold(k1, k2) || strings.Contains(v1+v2, `\t`) {
			return
		}
		ev.Reset()
		line := "LEEF:2.0|V|P|1|E|" + d + "|" + k1 + "=" + v1 + d + k2 + "=" + v2
		if _, err := parseLEEF(line, &ev); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if got := values(&ev, k1); len(got) == 0 || got[len(got)-1] != v1 {
			t.Fatalf("%q: %s = %q, want %q", line, k1, got, v1)
		}
		if got := values(&ev, k2); len(got) == 0 || got[len(got)-1] != v2 {
			t.Fatalf("%q: %s = %q, want %q", line, k2, got, v2)
		}
	})
}

// leefKeyOK reports a key the fuzz test can use: no "=", no delimiter, no
// surrounding space, and not a header field's name.
func leefKeyOK(k, d string) bool {
	if k == "" || strings.TrimSpace(k) != k || strings.ContainsAny(k, "=|") || strings.Contains(k, d) {
		return false
	}
	id, _ := event.Lookup(k)
	for _, h := range leefHeader {
		if id == h {
			return false
		}
	}
	return id != fMessage
}

func values(ev *event.Event, name string) []string {
	id, ok := event.Lookup(name)
	if !ok {
		return nil
	}
	var vs []string
	for i := ev.Index(id); i >= 0; i = ev.Next(i) {
		vs = append(vs, ev.Value(i))
	}
	return vs
}
