package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/syslog"
)

// FuzzCEFEscape checks that what we escape, the syslog CEF parser reads
// back unchanged: header fields and extension values alike, up to the
// normalisations the escapers document (invalid UTF-8 and NUL to U+FFFD;
// line breaks to spaces in the header; no trailing spaces in values).
func FuzzCEFEscape(f *testing.F) {
	for _, s := range []string{"", "plain", `a\b`, "x=y", "a|b", "l1\nl2\r\n", `\=\|\\`, "trail  ", " lead", "k=v msg=x", "\x00\xff", "ü€"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, value string) {
		a := &alert.Alert{RuleID: "r", RuleTitle: title, Level: "high", Host: value, User: value + " x=1", Count: 1}
		line := formatCEF(a, "1")
		var ev event.Event
		if err := syslog.Parse([]byte(line), &ev, time.Time{}); err != nil {
			t.Fatalf("parse %q: %v", line, err)
		}
		check := func(field, want string) {
			if got, _ := ev.Get(event.Intern(field)); got != want {
				t.Fatalf("%s = %q, want %q\nline: %q", field, got, want, line)
			}
		}
		check("name", strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(cefText(title)))
		if v := strings.TrimRight(cefText(value), " "); v != "" {
			check("dhost", v)
		}
		check("duser", strings.TrimRight(cefText(value+" x=1"), " "))
		check("cnt", "1")
	})
}
