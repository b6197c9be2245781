package notify

import (
	"strconv"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// cefSeverity maps an alert level to CEF's 0-10 scale.
func cefSeverity(level string) int {
	switch alert.LevelRank(level) {
	case 1:
		return 1
	case 2:
		return 3
	case 3:
		return 5
	case 4:
		return 8
	case 5:
		return 10
	}
	return 5 // unknown levels sit in the middle rather than being hidden
}

// formatCEF renders a as a CEF:0 record; version is Vigil's.
func formatCEF(a *alert.Alert, version string) string {
	var b strings.Builder
	b.WriteString("CEF:0|Vigil|Vigil|")
	for _, h := range []string{version, a.RuleID, a.RuleTitle, strconv.Itoa(cefSeverity(a.Level))} {
		b.WriteString(cefHeaderEscape(h))
		b.WriteByte('|')
	}
	sep := ""
	ext := func(k, v string) {
		if v == "" {
			return
		}
		b.WriteString(sep)
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(cefValueEscape(v))
		sep = " "
	}
	ext("rt", cefTime(a.LastSeen))
	ext("start", cefTime(a.FirstSeen))
	ext("end", cefTime(a.LastSeen))
	ext("dhost", a.Host)
	ext("duser", a.User)
	ext("cnt", strconv.Itoa(a.Count))
	ext("cs1", a.IncidentID)
	if a.IncidentID != "" {
		ext("cs1Label", "Incident ID")
	}
	ext("externalId", a.ID)
	if len(a.Tags) > 0 {
		ext("cs2", strings.Join(a.Tags, ","))
		ext("cs2Label", "Tags")
	}
	ext("msg", cefSummary(a))
	return b.String()
}

// cefTime is CEF's milliseconds since the epoch, or "" for no time.
func cefTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func cefSummary(a *alert.Alert) string {
	return a.RuleTitle + ": " + strconv.Itoa(a.Count) + " detection(s) on " + orUnknown(a.Host) +
		" between " + fmtTime(a.FirstSeen) + " and " + fmtTime(a.LastSeen)
}

// cefText makes s valid for a syslog line: invalid UTF-8 and NUL bytes
// would make receivers take the whole line for binary data, so both
// become U+FFFD.
func cefText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// cefHeaderEscape escapes a CEF header field: "\" and "|" take a
// backslash. The spec has no escape for line breaks in the header, so
// they become spaces.
func cefHeaderEscape(s string) string {
	return cefHeaderReplacer.Replace(cefText(s))
}

var cefHeaderReplacer = strings.NewReplacer(`\`, `\\`, `|`, `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// cefValueEscape escapes a CEF extension value: "\" and "=" take a
// backslash, line breaks become \n and \r. Trailing spaces are dropped:
// a value runs to the space before the next key, so receivers cannot tell
// them from the separator.
func cefValueEscape(s string) string {
	return cefValueReplacer.Replace(strings.TrimRight(cefText(s), " "))
}

var cefValueReplacer = strings.NewReplacer(`\`, `\\`, `=`, `\=`, "\n", `\n`, "\r", `\r`)
