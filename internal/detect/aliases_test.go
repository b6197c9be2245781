package detect

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

func TestAliases(t *testing.T) {
	tests := []struct {
		name   string
		ev     *event.Event
		fields map[string]string // field -> value after AddAliases ("" = absent)
	}{
		{
			name: "4688 system process",
			ev: withFields(winEvent("Security", "", "4688"),
				"NewProcessName", `C:\Windows\System32\cmd.exe`,
				"ParentProcessName", `C:\Windows\explorer.exe`,
				"ProcessId", "0x1a4",
				"SubjectUserSid", "S-1-5-18", "SubjectUserName", "HOST$", "SubjectDomainName", "WORKGROUP",
				"TargetUserSid", "S-1-0-0", "TargetUserName", "-", "TargetLogonId", "0x0",
				"SubjectLogonId", "0x3e7", "MandatoryLabel", "S-1-16-16384",
				"CommandLine", "cmd /c whoami"),
			fields: map[string]string{
				"Image": `C:\Windows\System32\cmd.exe`, "ParentImage": `C:\Windows\explorer.exe`,
				"ParentProcessId": "420", "User": `NT AUTHORITY\SYSTEM`, "LogonId": "0x3e7",
				"IntegrityLevel": "System", "CommandLine": "cmd /c whoami", "ProcessId": "0x1a4",
			},
		},
		{
			name: "4688 target user",
			ev: withFields(winEvent("Security", "", "4688"),
				"NewProcessName", `C:\x.exe`,
				"SubjectUserSid", "S-1-5-21-1", "SubjectUserName", "admin", "SubjectDomainName", "CORP",
				"TargetUserSid", "S-1-5-21-2", "TargetUserName", "alice", "TargetDomainName", "CORP",
				"TargetLogonId", "0x1234", "MandatoryLabel", "S-1-16-8192"),
			fields: map[string]string{"User": `CORP\alice`, "LogonId": "0x1234", "IntegrityLevel": "Medium", "ParentImage": ""},
		},
		{
			name: "4688 keeps existing fields",
			ev: withFields(winEvent("Security", "", "4688"),
				"NewProcessName", `C:\new.exe`, "Image", `C:\kept.exe`, "User", "kept"),
			fields: map[string]string{"Image": `C:\kept.exe`, "User": "kept"},
		},
		{
			name:   "other security events untouched",
			ev:     withFields(winEvent("Security", "", "4624"), "NewProcessName", `C:\x.exe`),
			fields: map[string]string{"Image": ""},
		},
		{
			name: "defender detection",
			ev: withFields(winEvent(chDefender, "", "1116"),
				"Threat Name", "HackTool:Win32/Mimikatz", "Path", `file:_C:\tools\m.exe`),
			fields: map[string]string{"Signature": "HackTool:Win32/Mimikatz", "Filename": `C:\tools\m.exe`, "ThreatName": "HackTool:Win32/Mimikatz"},
		},
		{
			name: "defender other event: names without spaces",
			ev: withFields(winEvent(chDefender, "", "5007"),
				"New Value", `HKLM\x = 1`, "Old Value", "0", "ProcessName", "kept", "Process Name", "dropped"),
			fields: map[string]string{"NewValue": `HKLM\x = 1`, "OldValue": "0", "ProcessName": "kept", "Signature": ""},
		},
		{
			name:   "declared log source untouched",
			ev:     &event.Event{LogSource: event.LogSource{Product: "linux"}},
			fields: map[string]string{"Image": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			AddAliases(tt.ev)
			n := tt.ev.Len()
			AddAliases(tt.ev)
			if tt.ev.Len() != n {
				t.Fatalf("second AddAliases added fields: %d -> %d", n, tt.ev.Len())
			}
			for name, want := range tt.fields {
				got, ok := tt.ev.GetName(name)
				if want == "" && ok {
					t.Errorf("%s = %q, want absent", name, got)
				}
				if want != "" && got != want {
					t.Errorf("%s = %q (present %v), want %q", name, got, ok, want)
				}
			}
		})
	}
}

// withFields adds name/value pairs to ev.
func withFields(ev *event.Event, kv ...string) *event.Event {
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Set(kv[i], kv[i+1])
	}
	return ev
}
