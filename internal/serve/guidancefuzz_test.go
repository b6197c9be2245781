package serve

import (
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
)

// FuzzAlertUsers reads the accounts an alert names from its user, its
// correlation group and its event: whatever they hold, the list has no
// empty or padded entry and no repeat, and the account checks never
// panic.
func FuzzAlertUsers(f *testing.F) {
	f.Add(`NHT\adm-jbloggs`, "TargetUserName=a.khan", "WS01$", "svc-pacs@trust.example")
	f.Add("", "IpAddress=10.1.2.3,TargetUserName=a.khan,Computer=DC01", `NT AUTHORITY\SYSTEM`, "")
	f.Add("a.khan", "user=A.KHAN,,=,TargetUserName=", " ", "\x00\\@")
	f.Fuzz(func(t *testing.T, user, key, subject, upn string) {
		a := &alert.Alert{User: user, Key: key, Event: map[string]any{"SubjectUserName": subject, "UserPrincipalName": upn}}
		got := alertUsers(a)
		for i, u := range got {
			if u == "" || u != strings.TrimSpace(u) {
				t.Fatalf("entry %d is %q", i, u)
			}
			for _, v := range got[:i] {
				if strings.EqualFold(u, v) {
					t.Fatalf("%q repeats %q in %q", u, v, got)
				}
			}
			if isPersonAccount(u) && !alert.IsPerson(u) {
				t.Fatalf("%q passes isPersonAccount but not alert.IsPerson", u)
			}
		}
	})
}
