package estate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// ev builds an event from host and name/value pairs; "Data" may repeat.
func ev(host string, kv ...string) *event.Event {
	e := &event.Event{Host: host, Time: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Set(kv[i], kv[i+1])
	}
	return e
}

func TestInventoryFromEvents(t *testing.T) {
	inv := NewInventory(0)
	for _, e := range []*event.Event{
		ev("WARD-PC-01.trust.nhs.uk", "Channel", "System", "Provider_Name", "EventLog", "EventID", "6009",
			"Data", "6.01.", "Data", "7601", "Data", "Service Pack 1", "Data", "Multiprocessor Free", "Data", "17514"),
		ev("PAS-DB-01", "Channel", "System", "Provider_Name", "Microsoft-Windows-Kernel-General", "EventID", "12",
			"MajorVersion", "6", "MinorVersion", "3", "BuildVersion", "9600", "QfeVersion", "0"),
		ev("PAS-DB-01", "Channel", "Security", "EventID", "4769", "ServiceName", "krbtgt"),
		ev("NURSE-LT-07", "Channel", "System", "Provider_Name", "EventLog", "EventID", "6009", "Data", "10.00.", "Data", "19045", "Data", "", "Data", "Multiprocessor Free"),
		ev("", "Computer", "RAD-WS-02.trust.nhs.uk", "EventID", "4624", "host.os.name", "Windows 10 Enterprise",
			"host.os.kernel", "10.0.19041.3448 (WinBuild.160101.0800)", "host.os.build", "19044.3448", "host.ip", "10.9.8.7"),
		ev("10.20.30.40", "deviceVendor", "Fortinet", "deviceProduct", "FortiGate", "deviceVersion", "7.0.12"),
		ev("LAB-PC", "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "1", "Image", `C:\Windows\System32\cmd.exe`,
			"FileVersion", "10.0.19041.1 (WinBuild.160101.0800)", "Company", "Microsoft Corporation", "Product", "Microsoft® Windows® Operating System"),
		ev("LAB-PC", "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "1", "Image", `C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`,
			"FileVersion", "16.0.17029.20028", "Company", "Microsoft Corporation", "Product", "Microsoft Office"),
		ev("LAB-PC", "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "3", "Initiated", "true", "SourceIp", "10.1.1.9", "DestinationIp", "8.8.8.8"),
		ev("lab-pc.trust.nhs.uk", "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "1", "Image", `C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`,
			"FileVersion", "16.0.17130.20000", "Company", "Microsoft Corporation", "Product", "Microsoft Office"),
		ev("", "EventID", "1"), // no host: nothing to learn
		ev("-", "message", "no host either"),
	} {
		inv.Observe(e)
	}
	assets := inv.Assets()
	names := make([]string, len(assets))
	for i, a := range assets {
		names[i] = a.Name
	}
	wantNames := []string{"WARD-PC-01.trust.nhs.uk", "PAS-DB-01", "NURSE-LT-07", "RAD-WS-02.trust.nhs.uk", "10.20.30.40", "lab-pc.trust.nhs.uk"}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("hosts %q, want %q", names, wantNames)
	}
	c := sharedChecker(t)
	at := date("2026-11-28")
	for _, tc := range []struct {
		i                   int
		os, osVersion, ip   string
		product, cycle, eol string
	}{
		{0, "Windows", "6.1.7601", "", "windows", "7-sp1", "2020-01-14"},
		{1, "Windows Server", "6.3.9600", "", "windows-server", "2012-r2", "2023-10-10"},
		{2, "Windows", "10.0.19045", "", "windows", "10-22h2", "2025-10-14"},
		{3, "Windows 10 Enterprise", "10.0.19044.3448", "10.9.8.7", "windows", "10-21h2-e", "2024-06-11"},
		{4, "", "", "10.20.30.40", "", "", ""},
		{5, "Windows", "10.0", "10.1.1.9", "", "", ""}, // 19041 in file versions: 2004 to 22H2, not told apart
	} {
		a := assets[tc.i]
		f := c.Check(a, at)
		if a.OS != tc.os || a.OSVersion != tc.osVersion || a.IP != tc.ip || f.EOLProduct != tc.product || f.EOLCycle != tc.cycle || dateString(f.EOLDate) != tc.eol {
			t.Errorf("%s: os %q %q ip %q → %s %s %s; want %q %q %q → %s %s %s", a.Name, a.OS, a.OSVersion, a.IP, f.EOLProduct, f.EOLCycle, dateString(f.EOLDate),
				tc.os, tc.osVersion, tc.ip, tc.product, tc.cycle, tc.eol)
		}
	}
	fw := c.Check(assets[4], at)
	if assets[4].Product != "FortiGate" || !slices.Contains(cves(fw.KEV), "CVE-2018-13379") || !fw.Ransomware {
		t.Errorf("the CEF sender %+v is not flagged for FortiOS: %d matches", assets[4], len(fw.KEV))
	}
	lab := assets[5]
	if len(lab.Software) != 2 || lab.Software[1].Version != "16.0.17130.20000" {
		t.Errorf("software of %s: %+v", lab.Name, lab.Software)
	}
	if f := c.Check(lab, at); len(f.KEV) == 0 || !slices.ContainsFunc(f.KEVProducts, func(p string) bool { return p == "Microsoft Office" }) {
		t.Errorf("software seen running brings no Office entries: %v", f.KEVProducts)
	}
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

func TestInventoryBounded(t *testing.T) {
	inv := NewInventory(2)
	for _, h := range []string{"a", "b", "c", "a", "d"} {
		inv.Observe(ev(h, "EventID", "1"))
	}
	if n := len(inv.Assets()); n != 2 || inv.Dropped() != 2 {
		t.Errorf("%d hosts kept, %d events dropped; want 2 and 2", n, inv.Dropped())
	}
}

// TestInventoryFromAttackSamples learns hosts from real EVTX files: the
// Windows 7 host IEWIN7 shows its build in the versions of its system
// files that Sysmon reports.
func TestInventoryFromAttackSamples(t *testing.T) {
	inv := NewInventory(0)
	skipped := 0
	err := ObserveFiles([]string{sharedtest.Path(t, "evtx-attack-samples")}, inv, func(string, error) { skipped++ })
	if err != nil {
		t.Fatal(err)
	}
	assets := inv.Assets()
	if len(assets) < 10 || skipped > 10 {
		t.Fatalf("only %d hosts learned, %d files skipped", len(assets), skipped)
	}
	c := sharedChecker(t)
	byName := map[string]Finding{}
	for _, f := range c.CheckAll(assets, date("2026-11-28")) {
		byName[f.Name] = f
	}
	win7, ok := byName["IEWIN7"]
	if !ok {
		t.Fatal("host IEWIN7 not learned")
	}
	if win7.OSVersion != "6.1.7601" || !win7.EOL || dateString(win7.EOLDate) != "2020-01-14" || len(win7.Software) == 0 || !win7.Ransomware {
		t.Errorf("IEWIN7: %s %s eol %v %s, %d programs, ransomware %v", win7.OS, win7.OSVersion, win7.EOL, dateString(win7.EOLDate), len(win7.Software), win7.Ransomware)
	}
	if f := byName["MSEDGEWIN10"]; f.OSVersion != "10.0.17763" || f.EOLKnown {
		t.Errorf("MSEDGEWIN10 (1809 client or Server 2019): %s known %v", f.OSVersion, f.EOLKnown)
	}
}

// TestInventoryConcurrent feeds one inventory from several goroutines, as
// the live service will, while reading it.
func TestInventoryConcurrent(t *testing.T) {
	inv := NewInventory(0)
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			var e event.Event
			for i := range 200 {
				e.Reset()
				e.Host = []string{"a", "b", "c"}[(g+i)%3]
				e.Set("EventID", "6009")
				e.Set("Provider_Name", "EventLog")
				e.Set("Data", "10.00.")
				e.Set("Data", "19045")
				inv.Observe(&e)
				if i%50 == 0 {
					inv.Assets()
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	as := inv.Assets()
	if len(as) != 3 {
		t.Fatalf("%d hosts, want 3", len(as))
	}
	for _, a := range as {
		if a.OSVersion != "10.0.19045" {
			t.Errorf("%s: os version %q", a.Name, a.OSVersion)
		}
	}
}

// TestSystemFileVersions takes the build only from files whose version is
// the kernel's own.
func TestSystemFileVersions(t *testing.T) {
	inv := NewInventory(0)
	sysmon := func(image, version string) *event.Event {
		return ev("W7", "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "7", "ImageLoaded", image,
			"FileVersion", version, "Company", "Microsoft Corporation")
	}
	for _, e := range []*event.Event{
		sysmon(`C:\Windows\System32\jscript.dll`, "5.8.7600.16385 (win7_rtm.090713-1255)"),
		sysmon(`C:\Windows\System32\wmp.dll`, "12.0.7601.17514 (win7sp1_rtm.101119-1850)"),
		sysmon(`C:\Windows\System32\msscript.ocx`, "7.5.7600.16385"),
		sysmon(`C:\Windows\System32\msscript2.ocx`, "7.5.7600.16385"),
		sysmon(`C:\Windows\System32\ntdll.dll`, "6.1.7601.23677 (win7sp1_ldr.170209-0600)"),
		sysmon(`C:\Windows\System32\kernel32.dll`, "6.1.7600.16385 (win7_rtm.090713-1255)"),
		sysmon(`C:\Program Files\Other\thing.dll`, "10.0.19045.1"),
		ev("W7", "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "7", "ImageLoaded", `C:\Windows\System32\vendor.dll`,
			"FileVersion", "10.0.19045.1", "Company", "Other Corp"),
	} {
		inv.Observe(e)
	}
	if a := inv.Assets()[0]; a.OS != "Windows" || a.OSVersion != "6.1.7601" {
		t.Errorf("OS %q %q, want Windows 6.1.7601", a.OS, a.OSVersion)
	}
}

// TestObserveKeepsNoEventBytes: an event decoded into the same storage
// again must not change the hosts already learned (a lower-case name's
// key once shared the event's bytes).
func TestObserveKeepsNoEventBytes(t *testing.T) {
	inv := NewInventory(0)
	var ev event.Event
	for _, host := range []string{"ward1-pc", "ward2-pc", "ward1-pc", "ward3-pc"} {
		var src event.Event
		src.Host = host
		src.Set("EventID", "4624")
		if err := ev.UnmarshalBinary(src.AppendBinary(nil)); err != nil {
			t.Fatal(err)
		}
		inv.Observe(&ev)
	}
	var names []string
	for _, a := range inv.Assets() {
		names = append(names, a.Name)
	}
	if strings.Join(names, ",") != "ward1-pc,ward2-pc,ward3-pc" {
		t.Errorf("assets %v", names)
	}
}
