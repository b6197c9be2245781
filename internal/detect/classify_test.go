package detect

import (
	"slices"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// winEvent builds a Windows event with the given System fields; empty
// strings are left out.
func winEvent(channel, provider, eventID string) *event.Event {
	ev := &event.Event{}
	if channel != "" {
		ev.Add(event.Channel, channel)
	}
	if provider != "" {
		ev.Add(event.Provider, provider)
	}
	if eventID != "" {
		ev.Add(event.EventID, eventID)
	}
	return ev
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name       string
		ev         *event.Event
		product    string
		categories []string
		services   []string
	}{
		{"sysmon process creation", winEvent(chSysmon, "Microsoft-Windows-Sysmon", "1"), "windows", []string{"process_creation"}, []string{"sysmon"}},
		{"sysmon registry set", winEvent(chSysmon, "", "13"), "windows", []string{"registry_event", "registry_set"}, []string{"sysmon"}},
		{"sysmon registry add/delete", winEvent(chSysmon, "", "12"), "windows", []string{"registry_add", "registry_delete", "registry_event"}, []string{"sysmon"}},
		{"sysmon pipe connected", winEvent(chSysmon, "", "18"), "windows", []string{"pipe_created"}, []string{"sysmon"}},
		{"sysmon unknown event", winEvent(chSysmon, "", "9999"), "windows", nil, []string{"sysmon"}},
		{"channel case ignored", winEvent("microsoft-windows-sysmon/operational", "", "22"), "windows", []string{"dns_query"}, []string{"sysmon"}},
		{"security 4688", winEvent("Security", "Microsoft-Windows-Security-Auditing", "4688"), "windows", []string{"process_creation"}, []string{"security"}},
		{"security logon", winEvent("Security", "", "4624"), "windows", nil, []string{"security"}},
		{"security no event id", winEvent("Security", "", ""), "windows", nil, []string{"security"}},
		{"security bad event id", winEvent("Security", "", "46x"), "windows", nil, []string{"security"}},
		{"powershell script block", winEvent(chPowerShell, "", "4104"), "windows", []string{"ps_script"}, []string{"powershell"}},
		{"powershell 7 module", winEvent(chPowerShell7, "", "4103"), "windows", []string{"ps_module"}, nil},
		{"powershell classic 400", winEvent("Windows PowerShell", "", "400"), "windows", []string{"ps_classic_start"}, []string{"powershell-classic"}},
		{"powershell classic 800", winEvent("Windows PowerShell", "", "800"), "windows", []string{"ps_classic_script"}, []string{"powershell-classic"}},
		{"defender detection", winEvent(chDefender, "", "1116"), "windows", []string{"antivirus"}, []string{"windefend"}},
		{"defender other", winEvent(chDefender, "", "5001"), "windows", nil, []string{"windefend"}},
		{"servicebus two names", winEvent("Microsoft-ServiceBus-Client/Admin", "", "40300"), "windows", nil, []string{"microsoft-servicebus-client", "servicebus-client"}},
		{"kernel-file access", winEvent("", provKernelFile, "12"), "windows", []string{"file_access"}, nil},
		{"kernel-file rename", winEvent("Microsoft-Windows-Kernel-File/Analytic", provKernelFile, "19"), "windows", []string{"file_access", "file_rename"}, nil},
		{"unknown channel", winEvent("Microsoft-Windows-Foo/Operational", "Foo", "1"), "windows", nil, nil},
		{"no windows fields", &event.Event{}, "", nil, nil},
		{"declared", &event.Event{LogSource: event.LogSource{Product: "linux", Service: "auditd"}}, "linux", nil, []string{"auditd"}},
		{"declared overrides channel", func() *event.Event {
			ev := winEvent(chSysmon, "", "1")
			ev.LogSource = event.LogSource{Category: "proxy"}
			return ev
		}(), "", []string{"proxy"}, nil},
		{"declared windows alone still classified", func() *event.Event {
			ev := winEvent(chSysmon, "", "3")
			ev.LogSource = event.LogSource{Product: "windows"}
			return ev
		}(), "windows", []string{"network_connection"}, []string{"sysmon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.ev)
			if got.Product != tt.product || !sameSet(got.Categories, tt.categories) || !sameSet(got.Services, tt.services) {
				t.Fatalf("Classify = %+v, want product %q categories %q services %q", got, tt.product, tt.categories, tt.services)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSourcesMatches(t *testing.T) {
	src := Sources{Product: "windows", Categories: []string{"registry_event", "registry_set"}, Services: []string{"sysmon"}}
	tests := []struct {
		ls   sigma.LogSource
		want bool
	}{
		{sigma.LogSource{}, true},
		{sigma.LogSource{Product: "windows"}, true},
		{sigma.LogSource{Product: "Windows"}, true},
		{sigma.LogSource{Product: "windows", Category: "registry_set"}, true},
		{sigma.LogSource{Category: "registry_event"}, true},
		{sigma.LogSource{Product: "windows", Service: "sysmon"}, true},
		{sigma.LogSource{Product: "windows", Category: "registry_set", Service: "sysmon"}, true},
		{sigma.LogSource{Product: "windows", Category: "process_creation"}, false},
		{sigma.LogSource{Product: "linux"}, false},
		{sigma.LogSource{Product: "windows", Service: "security"}, false},
		{sigma.LogSource{Category: "antivirus"}, false},
	}
	for _, tt := range tests {
		if got := src.Matches(tt.ls); got != tt.want {
			t.Errorf("Matches(%+v) = %v, want %v", tt.ls, got, tt.want)
		}
	}
}

// TestTaxonomyCoversSigmaHQ checks that every Windows log source the
// SigmaHQ rules use is produced by some Windows event class (or is one of
// the documented sources with no Windows event log behind it).
func TestTaxonomyCoversSigmaHQ(t *testing.T) {
	produced := map[string]bool{}
	for _, c := range classes {
		for _, x := range c.src.Categories {
			produced["category:"+x] = true
		}
		for _, x := range c.src.Services {
			produced["service:"+x] = true
		}
	}
	for _, used := range windowsSourcesInSigmaHQ(t) {
		if !produced[used] {
			t.Errorf("SigmaHQ uses windows %s, which no Windows event is classified as", used)
		}
	}
}
