package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// timeLayout is how times appear in messages people read: UTC, to the
// second, unambiguous across a trust's sites.
const timeLayout = "2006-01-02 15:04:05 UTC"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(timeLayout)
}

// oneLine flattens line breaks so that text from a rule or an event cannot
// start a new header line or break a layout.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\x00", "")), " ")
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// subject is the plain-English headline of an alert, used as the email
// subject and the chat title: "[Vigil high] <rule title> on <host>".
func subject(a *alert.Alert) string {
	return fmt.Sprintf("[Vigil %s] %s on %s", oneLine(strings.ToLower(a.Level)), oneLine(a.RuleTitle), oneLine(orUnknown(a.Host)))
}

// fact is one labelled value of an alert as shown to people.
type fact struct{ label, value string }

// facts lists what a person needs to judge an alert, in reading order.
func facts(a *alert.Alert) []fact {
	fs := []fact{
		{"Level", a.Level},
		{"Host", orUnknown(a.Host)},
	}
	if a.User != "" {
		fs = append(fs, fact{"User", a.User})
	}
	fs = append(fs,
		fact{"Rule", a.RuleTitle + " (" + a.RuleID + ")"},
		fact{"Count", fmt.Sprint(a.Count)},
		fact{"First seen", fmtTime(a.FirstSeen)},
		fact{"Last seen", fmtTime(a.LastSeen)},
	)
	if a.IncidentID != "" {
		fs = append(fs, fact{"Incident", a.IncidentID})
	}
	if len(a.Tags) > 0 {
		fs = append(fs, fact{"Tags", strings.Join(a.Tags, ", ")})
	}
	return append(fs, fact{"Alert", a.ID})
}
