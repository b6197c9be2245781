package console

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzSafeNext: whatever the login's next parameter holds, the redirect
// stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/alerts?level=high", "//evil.example", "https://evil.example/", "/\\evil", "/%2F%2Fevil", "/incidents/i1#x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n\t") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
	})
}

// FuzzParseClock: a clock mark's text reads back as written, and any text
// at all is read without a panic.
func FuzzParseClock(f *testing.F) {
	f.Add("breach_aware 2026-11-25T09:00:00Z", "breach_aware", int64(1795597200), "")
	f.Add("cyber_alert_published 2026-11-28T10:05:00Z CC-4321", "cyber_alert_published", int64(1795860300), "CC-4321 and more")
	f.Fuzz(func(t *testing.T, text, event string, unix int64, note string) {
		parseClock(text)
		if event == "" || strings.Contains(event, " ") || strings.TrimSpace(event) != event || strings.TrimSpace(note) != note || unix < 0 || unix > 1<<34 {
			return
		}
		at := time.Unix(unix, 0).UTC()
		e, got, n, ok := parseClock(clockText(event, at, note))
		if !ok || e != event || !got.Equal(at) || n != note {
			t.Fatalf("clockText(%q, %v, %q) read back as %q, %v, %q, %v", event, at, note, e, got, n, ok)
		}
	})
}
