package estate

import (
	"slices"
	"strings"
	"testing"
)

func cves(vs []Vuln) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.CVE)
	}
	return out
}

func TestKEVMatchForAssets(t *testing.T) {
	c := sharedChecker(t)
	at := date("2026-11-28")
	for _, tc := range []struct {
		asset      Asset
		want       []string // must be among the matches
		ransomware bool
	}{
		{Asset{Vendor: "Microsoft", Product: "Exchange Server", Version: "2016"}, []string{"CVE-2021-26855"}, true},
		{Asset{Product: "Microsoft Exchange Server 2019"}, []string{"CVE-2021-26855"}, true},
		{Asset{Vendor: "Microsoft Corporation", Product: "Exchange"}, []string{"CVE-2021-26855"}, true},
		{Asset{Vendor: "Fortinet", Product: "FortiOS", Version: "7.0.12"}, []string{"CVE-2018-13379"}, true},
		{Asset{Vendor: "Fortinet", Product: "FortiGate 60F"}, []string{"CVE-2018-13379"}, true},
		{Asset{Vendor: "Citrix", Product: "NetScaler ADC", Version: "13.1"}, []string{"CVE-2019-19781", "CVE-2023-4966"}, true},
		{Asset{Vendor: "Citrix Systems, Inc.", Product: "Citrix ADC"}, []string{"CVE-2019-19781"}, true},
		// Windows hosts carry the Windows entries and those of its parts.
		{Asset{OS: "Windows Server 2019 Standard"}, []string{"CVE-2017-0144", "CVE-2020-1472"}, true},
		{Asset{OS: "Microsoft Windows 10 Pro"}, []string{"CVE-2019-0708"}, true},
		{Asset{Vendor: "Git", Product: "Git"}, []string{"CVE-2025-48384"}, false},
		{Asset{Product: "Git"}, []string{"CVE-2025-48384"}, false},
	} {
		f := c.Check(tc.asset, at)
		got := cves(f.KEV)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%+v: %s not among %d matches", tc.asset, w, len(got))
			}
		}
		if f.Ransomware != tc.ransomware || f.KEVNote == "" || !strings.Contains(f.KEVNote, "patch level") {
			t.Errorf("%+v: ransomware %v (want %v), note %q", tc.asset, f.Ransomware, tc.ransomware, f.KEVNote)
		}
		if !slices.IsSortedFunc(f.KEV, func(a, b Vuln) int { return compareCVE(a.CVE, b.CVE) }) {
			t.Errorf("%+v: matches not sorted by CVE", tc.asset)
		}
	}
}

func TestKEVNoFalseMatches(t *testing.T) {
	c := sharedChecker(t)
	for _, tc := range []struct {
		asset  Asset
		forbid string // a vendor whose entries must not match
	}{
		{Asset{Vendor: "Apple", Product: "iOS"}, "Cisco"},
		{Asset{Vendor: "Cisco", Product: "IOS XE"}, "Apple"},
		{Asset{Vendor: "Microsoft", Product: "Office"}, "Exchange"},
		{Asset{Vendor: "Acme Medical", Product: "Infusion Pump"}, ""},
		{Asset{Vendor: "Fortinet", Product: "FortiWeb"}, "FortiOS"},
		{Asset{OS: "Ubuntu 22.04"}, "Microsoft"},
	} {
		f := c.Check(tc.asset, date("2026-11-28"))
		for _, v := range f.KEV {
			if tc.forbid == "" || strings.Contains(v.Vendor+" "+v.Product, tc.forbid) {
				t.Errorf("%+v matched %s (%s %s)", tc.asset, v.CVE, v.Vendor, v.Product)
				break
			}
		}
		if tc.forbid == "" && (f.KEVNote != "" || f.Ransomware) {
			t.Errorf("%+v: note %q, ransomware %v without a match", tc.asset, f.KEVNote, f.Ransomware)
		}
	}
}

func TestSplitNames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"NetScaler ADC and NetScaler Gateway", []string{"NetScaler ADC", "NetScaler Gateway"}},
		{"iOS, iPadOS, and macOS", []string{"iOS", "iPadOS", "macOS"}},
		{"Adaptive Security Appliance (ASA) and Firepower Threat Defense (FTD)", []string{"ASA", "Adaptive Security Appliance", "FTD", "Firepower Threat Defense"}},
		{"Hewlett Packard (HP)", []string{"HP", "Hewlett Packard"}},
		{"Windows ", []string{"Windows"}},
	} {
		if got := splitNames(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCompareCVE(t *testing.T) {
	ids := []string{"CVE-2019-19781", "CVE-2019-9999", "CVE-2018-13379", "CVE-2019-10000"}
	slices.SortFunc(ids, compareCVE)
	want := []string{"CVE-2018-13379", "CVE-2019-9999", "CVE-2019-10000", "CVE-2019-19781"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted %v, want %v", ids, want)
	}
}
