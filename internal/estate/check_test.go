package estate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func TestCheckRegisterDateAndUnknowns(t *testing.T) {
	c := sharedChecker(t)
	at := date("2026-11-28")
	for _, tc := range []struct {
		name   string
		asset  Asset
		eol    bool
		known  bool
		date   string
		source string
	}{
		{"register earlier than the feed", Asset{OS: "Windows Server 2022", SupportEnd: date("2026-06-30")}, true, true, "2026-06-30", "register"},
		{"feed earlier than the register", Asset{OS: "Windows 7", OSVersion: "6.1.7601", SupportEnd: date("2030-01-01")}, true, true, "2020-01-14", "endoflife"},
		{"register only", Asset{Vendor: "Acme", Product: "Infusion Pump", SupportEnd: date("2027-01-01")}, false, true, "2027-01-01", "register"},
		{"unknown product", Asset{Vendor: "Acme", Product: "Infusion Pump", Version: "3"}, false, false, "", ""},
		{"unknown version", Asset{Product: "PHP", Version: "99.1"}, false, false, "", ""},
		{"worst of OS and product", Asset{Product: "PHP", Version: "8.4.1", OS: "Ubuntu", OSVersion: "16.04"}, true, true, "2021-04-02", "endoflife"},
	} {
		f := c.Check(tc.asset, at)
		if f.EOL != tc.eol || f.EOLKnown != tc.known || dateString(f.EOLDate) != tc.date || f.EOLSource != tc.source {
			t.Errorf("%s: eol %v known %v date %q source %q; want %v %v %q %q", tc.name, f.EOL, f.EOLKnown, dateString(f.EOLDate), f.EOLSource, tc.eol, tc.known, tc.date, tc.source)
		}
	}
}

func TestMerge(t *testing.T) {
	csv := []Asset{{Name: "PC01", Owner: "Ward 3", OS: "Windows 7", Sources: []string{"a.csv:2"}}, {Name: "pump-7", Vendor: "Acme"}}
	seen := []Asset{
		{Name: "pc01.trust.nhs.uk", OS: "Windows", OSVersion: "6.1.7601", IP: "10.0.0.1", Software: []Software{{Vendor: "V", Product: "P"}}, Sources: []string{"events"},
			FirstSeen: time.Unix(100, 0), LastSeen: time.Unix(200, 0)},
		{Name: "srv9", Sources: []string{"events"}},
	}
	got := Merge(csv, seen)
	if len(got) != 3 || got[2].Name != "srv9" {
		t.Fatalf("merged %+v", got)
	}
	pc := got[0]
	if pc.Name != "pc01.trust.nhs.uk" || pc.OS != "Windows 7" || pc.OSVersion != "6.1.7601" || pc.Owner != "Ward 3" || pc.IP != "10.0.0.1" ||
		len(pc.Software) != 1 || !slices.Equal(pc.Sources, []string{"a.csv:2", "events"}) || !pc.LastSeen.Equal(time.Unix(200, 0)) {
		t.Errorf("merged PC01: %+v", pc)
	}
	if csv[0].Name != "PC01" || len(csv[0].Sources) != 1 {
		t.Errorf("Merge changed its input: %+v", csv[0])
	}
}

func TestInstallFeeds(t *testing.T) {
	data := t.TempDir()
	kev := sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json")
	eol := sharedtest.Path(t, "endoflife", "products")
	c, err := InstallFeeds(data, kev, eol)
	if err != nil {
		t.Fatal(err)
	}
	kevPath, eolPath, err := FeedPaths(data)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := LoadLifecycles(eolPath)
	if err != nil || len(stored.Products) != len(c.Lifecycles.Products) {
		t.Fatalf("stored end-of-life data: %v", err)
	}
	if k, err := LoadKEV(kevPath); err != nil || len(k.Vulns) != len(c.KEV.Vulns) {
		t.Fatalf("stored KEV: %v", err)
	}
	// A bad feed changes nothing.
	bad := filepath.Join(t.TempDir(), "kev.json")
	os.WriteFile(bad, []byte(`{"count": 1`), 0o600)
	if _, err := InstallFeeds(data, bad, eol); err == nil || !strings.Contains(err.Error(), "kev.json") {
		t.Fatalf("a bad KEV file was installed: %v", err)
	}
	if k2, e2, _ := FeedPaths(data); k2 != kevPath || e2 != eolPath {
		t.Errorf("a refused update moved the feeds to %s, %s", k2, e2)
	}
	// A second good update replaces the first; two copies at most remain.
	for range 2 {
		if _, err := InstallFeeds(data, kev, eol); err != nil {
			t.Fatal(err)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(data, FeedsDir, "feeds-*"))
	if len(dirs) != 2 {
		t.Errorf("%d feed copies kept, want 2 (current and previous)", len(dirs))
	}
	if _, _, err := FeedPaths(t.TempDir()); err == nil || !strings.Contains(err.Error(), "vigil estate update") {
		t.Errorf("no feeds: %v", err)
	}
}

// TestCheckCommonProducts matches products an NHS estate commonly runs to
// their endoflife.date product and cycle.
func TestCheckCommonProducts(t *testing.T) {
	c := sharedChecker(t)
	for _, tc := range []struct {
		asset          Asset
		product, cycle string
	}{
		{Asset{OS: "Ubuntu 22.04 LTS"}, "ubuntu", "22.04"},
		{Asset{OS: "CentOS Linux", OSVersion: "7.9.2009"}, "centos", "7"},
		{Asset{OS: "Red Hat Enterprise Linux", OSVersion: "8.10"}, "rhel", "8"},
		{Asset{Vendor: "Microsoft", Product: "SQL Server", Version: "2022"}, "mssqlserver", "16.0"},
		{Asset{Vendor: "VMware", Product: "ESXi", Version: "6.7"}, "vmware-esxi", "6.7"},
		{Asset{Vendor: "Apache", Product: "Tomcat", Version: "8.5.100"}, "tomcat", "8.5"},
		{Asset{Vendor: "Palo Alto Networks", Product: "PAN-OS", Version: "10.1.14"}, "pan-os", "10.1"},
		{Asset{Vendor: "Microsoft", Product: "Office", Version: "2016"}, "office", "2016"},
	} {
		f := c.Check(tc.asset, date("2026-11-28"))
		if f.EOLProduct != tc.product || f.EOLCycle != tc.cycle || !f.EOLKnown {
			t.Errorf("%+v: %s %s known %v, want %s %s", tc.asset, f.EOLProduct, f.EOLCycle, f.EOLKnown, tc.product, tc.cycle)
			continue
		}
		r := c.Lifecycles.Product(tc.product).Release(tc.cycle)
		if over, _ := r.EOL.Ended(f.At); f.EOL != over || !f.EOLDate.Equal(r.EOL.Date) {
			t.Errorf("%+v: eol %v %s, the data says %v %s", tc.asset, f.EOL, dateString(f.EOLDate), over, dateString(r.EOL.Date))
		}
	}
}
