package serve

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

func TestRelated(t *testing.T) {
	tests := []struct {
		name   string
		fields map[string]string
		want   string
	}{
		{"network logon (4624 type 3)", map[string]string{"IpAddress": "10.40.3.21", "WorkstationName": "WARD3-PC04", "TargetUserName": "adm.rjones"},
			"[source:10.40.3.21 source:WARD3-PC04]"},
		{"placeholders name nothing", map[string]string{"IpAddress": "-", "WorkstationName": ""}, "[]"},
		{"explicit credentials (4648)", map[string]string{"TargetServerName": "PAS-SRV01.trust.nhs.uk"}, "[target:PAS-SRV01.trust.nhs.uk]"},
		{"outbound connection (Sysmon 3)", map[string]string{"Initiated": "true", "SourceIp": "10.20.0.5", "SourceHostname": "EPR-SRV01", "DestinationIp": "10.20.0.9", "DestinationHostname": "PAS-SRV01"},
			"[address:10.20.0.5 target:10.20.0.9 target:PAS-SRV01]"},
		{"inbound connection (Sysmon 3)", map[string]string{"Initiated": "false", "SourceIp": "10.40.3.21", "SourceHostname": "WARD3-PC04", "DestinationIp": "10.40.3.22"},
			"[address:10.40.3.22 source:10.40.3.21 source:WARD3-PC04]"},
		{"directory change of a GPO (5136)", map[string]string{"ObjectDN": "CN={6AC1786C-016F-11D2-945F-00C04FB984F9},CN=POLICIES,CN=SYSTEM,DC=TRUST"},
			"[artifact:gpo:{6ac1786c-016f-11d2-945f-00c04fb984f9}]"},
		{"a logon script from a GPO", map[string]string{"CommandLine": `powershell.exe -File \\trust.nhs.uk\SYSVOL\trust.nhs.uk\Policies\{6AC1786C-016F-11D2-945F-00C04FB984F9}\User\Scripts\Logon\x.ps1`},
			"[artifact:gpo:{6ac1786c-016f-11d2-945f-00c04fb984f9}]"},
		{"a path that only looks like one", map[string]string{"TargetFilename": `C:\Policies\{short}\x`}, "[]"},
	}
	for _, tc := range tests {
		var ev event.Event
		for k, v := range tc.fields {
			ev.Set(k, v)
		}
		var got []string
		for _, e := range related(&ev, nil) {
			got = append(got, e.String())
		}
		if fmt.Sprint(sortedStrings(got)) != tc.want && !(len(got) == 0 && tc.want == "[]") {
			t.Errorf("%s: %v, want %s", tc.name, sortedStrings(got), tc.want)
		}
	}
}

func sortedStrings(s []string) []string { return slices.Sorted(slices.Values(s)) }

// FuzzGPO: gpoOf never panics, and what it returns is a braced GUID found
// in its input.
func FuzzGPO(f *testing.F) {
	f.Add(`cn={6ac1786c-016f-11d2-945f-00c04fb984f9},cn=policies,cn=system,dc=trust,dc=nhs,dc=uk`)
	f.Add(`\\trust.nhs.uk\sysvol\trust.nhs.uk\policies\{6ac1786c-016f-11d2-945f-00c04fb984f9}\user\scripts\logon\ipscanner.ps1`)
	f.Add(`c:\windows\sysvol\domain\policies\{31b2f340-016d-11d2-945f-00c04fb984f9}\machine\preferences\scheduledtasks\scheduledtasks.xml`)
	f.Add(`cn={,cn=policies`)
	f.Fuzz(func(t *testing.T, s string) {
		g := gpoOf(s)
		if g != "" && (len(g) != 38 || g[0] != '{' || g[37] != '}' || !strings.Contains(s, g)) {
			t.Fatalf("gpoOf(%q) = %q", s, g)
		}
	})
}
