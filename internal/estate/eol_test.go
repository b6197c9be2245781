package estate

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func date(s string) time.Time {
	t, err := parseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLoadEveryProductFile(t *testing.T) {
	l, _ := loadShared(t)
	files, _ := filepath.Glob(filepath.Join(sharedtest.Path(t, "endoflife", "products"), "*.md"))
	if len(files) == 0 || len(l.Products) != len(files) {
		t.Fatalf("loaded %d products from %d files", len(l.Products), len(files))
	}
	releases := 0
	for _, p := range l.Products {
		releases += len(p.Releases)
		if p.Name == "" || p.Title == "" {
			t.Errorf("product %+v lacks a name or title", p.Name)
		}
		for _, r := range p.Releases {
			if r.Line <= 1 {
				t.Errorf("%s %s: release line %d", p.Name, r.Cycle, r.Line)
			}
		}
	}
	if releases < 5000 {
		t.Errorf("only %d releases across all products", releases)
	}
}

// TestWindowsEndOfLifeDates checks the dates the data gives against the
// dates Microsoft published.
func TestWindowsEndOfLifeDates(t *testing.T) {
	l, _ := loadShared(t)
	for _, tc := range []struct {
		product, cycle, published string
	}{
		{"windows", "7-sp1", "2020-01-14"},
		{"windows-server", "2012-r2", "2023-10-10"},
		{"windows", "10-22h2", "2025-10-14"},
	} {
		p := l.Product(tc.product)
		if p == nil {
			t.Fatalf("no product %s", tc.product)
		}
		r := p.Release(tc.cycle)
		if r == nil {
			t.Fatalf("%s has no cycle %s", tc.product, tc.cycle)
		}
		if got := r.EOL.Date.Format(dateLayout); got != tc.published {
			t.Errorf("%s %s: eol %s, Microsoft published %s", tc.product, tc.cycle, got, tc.published)
		}
	}
}

func TestFindProduct(t *testing.T) {
	l, _ := loadShared(t)
	for _, tc := range []struct {
		vendor, product, want, rest string
	}{
		{"Microsoft", "Windows Server 2012 R2", "windows-server", "2012 R2"},
		{"Microsoft", "Exchange Server", "msexchange", ""},
		{"", "Microsoft Exchange Server 2016", "msexchange", "2016"},
		{"", "Red Hat Enterprise Linux 8", "rhel", "8"},
		{"Microsoft", "mssql", "mssqlserver", ""},
		{"Canonical", "Ubuntu Linux", "ubuntu", ""},
		{"", "PHP", "php", ""},
		{"Acme", "Infusion Pump Controller", "", ""},
		{"Acme", "Python Gateway", "", ""},
		{"Mozilla", "Firefox ESR", "firefox", "ESR"},
		{"", "CentOS Linux", "centos", "Linux"},
	} {
		p, rest := l.Find(tc.vendor, tc.product)
		got := ""
		if p != nil {
			got = p.Name
		}
		if got != tc.want || rest != tc.rest {
			t.Errorf("Find(%q, %q) = %q, %q; want %q, %q", tc.vendor, tc.product, got, rest, tc.want, tc.rest)
		}
	}
}

func TestMatchVersion(t *testing.T) {
	p := &Product{Name: "x", Releases: []Release{
		{Cycle: "7.4"}, {Cycle: "7.3"}, {Cycle: "7"}, {Cycle: "2008-r2-sp1"}, {Cycle: "2012-r2"}, {Cycle: "2012"},
		{Cycle: "10-22h2", Label: "10 22H2"}, {Cycle: "8.0"}, {Cycle: "8.1"},
		{Cycle: "16.0", Label: "2022 '__CODENAME__'"}, {Cycle: "12.0-sp3", Label: "2014 SP3"},
		{Cycle: "13.0-sp3", Label: "2016 SP3"}, {Cycle: "13.0-sp2", Label: "2016 SP2"},
	}}
	for _, tc := range []struct{ version, want string }{
		{"7.4.33", "7.4"},
		{"7.3", "7.3"},
		{"v7.4.1", "7.4"},
		{"7.2.1", "7"},
		{"2012 R2", "2012-r2"},
		{"2012", "2012"},
		{"2008 R2", "2008-r2-sp1"},
		{"10 22H2", "10-22h2"},
		{"8", ""}, // 8.0 or 8.1: never guessed
		{"2022", "16.0"},
		{"2014", "12.0-sp3"},
		{"2016 SP3", "13.0-sp3"},
		{"2016", ""}, // SP2 or SP3
		{"9.1", ""},
		{"", ""},
	} {
		got := ""
		if r := p.MatchVersion(tc.version); r != nil {
			got = r.Cycle
		}
		if got != tc.want {
			t.Errorf("MatchVersion(%q) = %q, want %q", tc.version, got, tc.want)
		}
	}
}

func TestPhaseEnded(t *testing.T) {
	at := date("2020-01-15")
	for _, tc := range []struct {
		p           Phase
		over, known bool
	}{
		{Phase{Date: date("2020-01-14"), Over: true, Set: true}, true, true},
		{Phase{Date: date("2020-01-15"), Over: true, Set: true}, false, true}, // the last day is still supported
		{Phase{Over: true, Set: true}, true, true},
		{Phase{Set: true}, false, true},
		{Phase{}, false, false},
	} {
		over, known := tc.p.Ended(at)
		if over != tc.over || known != tc.known {
			t.Errorf("%+v.Ended = %v, %v; want %v, %v", tc.p, over, known, tc.over, tc.known)
		}
	}
}

const goodProduct = `---
title: Example OS
category: os
permalink: /example-os
alternate_urls:
  - /exos
identifiers:
  - cpe: cpe:2.3:o:example:example_os
releases:
  - releaseCycle: "2"
    releaseDate: 2020-01-01
    eol: false
    lts: true
    latest: "2.1"
  - releaseCycle: "1"
    releaseDate: 2018-01-01
    eoas: true
    eol: 2021-06-30 # a comment
    eoes: 2023-06-30
---

Body text is ignored.
`

func TestParseProduct(t *testing.T) {
	p, err := ParseProduct("products/example-os.md", []byte(goodProduct))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "example-os" || p.Title != "Example OS" || p.Permalink != "example-os" || len(p.Aliases) != 1 || len(p.CPEs) != 1 {
		t.Errorf("product header: %+v", p)
	}
	if len(p.Releases) != 2 {
		t.Fatalf("%d releases", len(p.Releases))
	}
	r1 := p.Releases[1]
	if !r1.EOL.Date.Equal(date("2021-06-30")) || !r1.EOAS.Over || !r1.EOAS.Date.IsZero() || !r1.EOES.Date.Equal(date("2023-06-30")) || r1.Line != 15 {
		t.Errorf("release 1: %+v", r1)
	}
	if r0 := p.Releases[0]; r0.EOL.Over || !r0.EOL.Set || !r0.LTS.Over || r0.Latest != "2.1" {
		t.Errorf("release 2: %+v", r0)
	}
	l := NewLifecycles([]*Product{p})
	for _, name := range []string{"example-os", "EXOS", "Example OS", "example example os"} {
		if l.Product(name) != p {
			t.Errorf("Product(%q) does not find the product", name)
		}
	}
}

func TestParseProductErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"no front matter", "title: x\n", "line 1"},
		{"unclosed", "---\ntitle: x\nreleases: []\n", "no closing"},
		{"bad yaml", "---\ntitle: x\nreleases:\n  - releaseCycle: \"1\n---\n", "p.md: yaml"},
		{"bad date", "---\ntitle: x\nreleases:\n  - releaseCycle: \"1\"\n    eol: 2020-13-45\n---\n", "line 5"},
		{"list as eol", "---\ntitle: x\nreleases:\n  - releaseCycle: \"1\"\n    eol: [1]\n---\n", "line 5"},
		{"no cycle", "---\ntitle: x\nreleases:\n  - eol: true\n  - releaseCycle: \"\"\n    eol: true\n---\n", "p.md:4: release without releaseCycle"},
	} {
		p, err := ParseProduct("p.md", []byte(tc.data))
		if err == nil || p != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, %v; want an error containing %q", tc.name, p, err, tc.want)
		}
	}
}

func TestLoadLifecyclesAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.md"), []byte(goodProduct), 0o600)
	os.WriteFile(filepath.Join(dir, "bad.md"), []byte("---\nreleases:\n  - releaseCycle: \"1\"\n    eol: someday\n---\n"), 0o600)
	l, err := LoadLifecycles(dir)
	if err == nil || l != nil {
		t.Fatalf("a bad file loaded: %v", err)
	}
	if !strings.Contains(err.Error(), "bad.md") || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "1 of 2") {
		t.Errorf("error does not name the bad file and line: %v", err)
	}
	if _, err := LoadLifecycles(t.TempDir()); err == nil {
		t.Error("an empty folder loaded")
	}
}

func FuzzParseProduct(f *testing.F) {
	f.Add([]byte(goodProduct))
	for _, name := range []string{"windows-server.md", "windows-embedded.md", "fortios.md", "sonarqube-community.md"} {
		if data, err := os.ReadFile(filepath.Join(sharedtest.Path(f, "endoflife", "products"), name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\r\nreleases:\r\n  - releaseCycle: 1\r\n    eol: true\r\n---\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if fm, _, err := splitFrontMatter(data); err == nil {
			fast, fastLines, ok := readFrontMatterFast(fm)
			slow, slowLines, err := readFrontMatterYAML(fm)
			if ok && err == nil && (!reflect.DeepEqual(fast, slow) || !slices.Equal(fastLines, slowLines)) {
				t.Fatalf("fast reader %+v %v, YAML parser %+v %v", fast, fastLines, slow, slowLines)
			}
		}
		p, err := ParseProduct("fuzz.md", data)
		if (p == nil) == (err == nil) {
			t.Fatalf("product %v with error %v", p, err)
		}
		if err != nil {
			return
		}
		for _, r := range p.Releases {
			if r.Cycle == "" {
				t.Fatal("release without cycle accepted")
			}
			if !r.EOL.Date.IsZero() && !r.EOL.Over {
				t.Fatal("dated eol not marked over")
			}
		}
		NewLifecycles([]*Product{p}).Find("", p.Title)
	})
}
