package estate

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func BenchmarkLoadLifecycles(b *testing.B) {
	dir := sharedtest.Path(b, "endoflife", "products")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadLifecycles(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseProducts(b *testing.B) {
	paths, _ := filepath.Glob(filepath.Join(sharedtest.Path(b, "endoflife", "products"), "*.md"))
	var data [][]byte
	var n int64
	for _, p := range paths {
		d, _ := os.ReadFile(p)
		data = append(data, d)
		n += int64(len(d))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range data {
			if _, err := ParseProduct(paths[i], d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkLoadKEV(b *testing.B) {
	path := sharedtest.Path(b, "kev", "known_exploited_vulnerabilities.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadKEV(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	c := sharedChecker(b)
	assets := []Asset{
		{Name: "ward-pc", OS: "Windows 10 Pro", OSVersion: "10.0.19045"},
		{Name: "exch01", Vendor: "Microsoft", Product: "Exchange Server", Version: "2016"},
		{Name: "pump", Vendor: "Acme Medical", Product: "Infusion Pump", Version: "4.2", SupportEnd: date("2027-01-01")},
	}
	at := date("2026-11-28")
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range assets {
			c.Check(a, at)
		}
	}
}

func BenchmarkObserve(b *testing.B) {
	events := []*event.Event{
		ev("WARD-PC-01", "Channel", "System", "Provider_Name", "EventLog", "EventID", "6009", "Data", "6.01.", "Data", "7601"),
		ev("LAB-PC", "Channel", "Microsoft-Windows-Sysmon/Operational", "EventID", "1", "Image", `C:\Windows\System32\cmd.exe`,
			"FileVersion", "10.0.19041.1 (WinBuild.160101.0800)", "Company", "Microsoft Corporation", "Product", "Microsoft® Windows® Operating System"),
		ev("PAS-DB-01", "Channel", "Security", "EventID", "4624", "IpAddress", "10.0.0.9"),
	}
	inv := NewInventory(0)
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range events {
			inv.Observe(e)
		}
	}
}

// BenchmarkMergeLearned merges what four detect nodes saved about a
// trust of 20,000 hosts, each host seen by two nodes (its partition
// moved once), as an API node does on each GET /api/v1/assets.
func BenchmarkMergeLearned(b *testing.B) {
	const hosts, nodes = 20_000, 4
	seen := date("2026-03-02")
	lists := make([][]Asset, nodes)
	for i := range hosts {
		for _, n := range []int{i % nodes, (i + 1) % nodes} {
			lists[n] = append(lists[n], Asset{Name: fmt.Sprintf("WS%05d.trust.nhs.uk", i), OS: "Windows 10 Enterprise",
				OSVersion: "10.0.19045", IP: fmt.Sprint("10.1.", i/250, ".", i%250), Sources: []string{"events"},
				Software:  []Software{{Vendor: "Microsoft Corporation", Product: "Microsoft Office", Version: fmt.Sprint("16.0.", n)}},
				FirstSeen: seen, LastSeen: seen.Add(time.Duration(n) * time.Hour)})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := MergeLearned(lists...); len(got) != hosts {
			b.Fatalf("%d assets, want %d", len(got), hosts)
		}
	}
}
