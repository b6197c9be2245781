package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

const estateCSV = "name,vendor,product,version,os,os_version,ip,owner,location,support_end,notes\n" +
	"ward3-pc01,Microsoft,Windows,,Windows 7 Professional,6.1.7601,10.3.1.1,Ward 3,Main,,old\n" +
	"pas-db,Microsoft,Windows Server,2012 R2,Windows Server 2012 R2,6.3.9600,,IT,DC1,,\n" +
	"nurse-lt7,Microsoft,Windows,,Windows 10 Pro,10.0.19045,,Nursing,,,\n" +
	"exch01,Microsoft,Exchange Server,2016,,,,IT,DC1,,\n" +
	"vpn-edge,Citrix,NetScaler ADC,13.1,,,,Network,,,\n" +
	"pump-12,Acme Medical,Infusion Pump,4.2,,,,Biomed,ICU,2026-01-31,\n"

// estateFields are the keys every JSON line must have.
var estateFields = []string{"name", "vendor", "product", "version", "os", "os_version", "ip", "owner", "location",
	"eol", "eol_known", "eol_date", "eol_product", "eol_cycle", "support_end", "extended_support", "kev", "kev_count", "ransomware", "kev_note"}

func TestEstateCheckJSONL(t *testing.T) {
	assets := filepath.Join(t.TempDir(), "assets.csv")
	os.WriteFile(assets, []byte(estateCSV), 0o600)
	code, stdout, stderr := runVigil(t, "estate", "check", "--assets", assets,
		"--eol", sharedtest.Path(t, "endoflife", "products"),
		"--kev", sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json"),
		"--at", "2026-11-28", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want one per asset:\n%s", len(lines), stdout)
	}
	type row struct {
		Name       string   `json:"name"`
		EOL        bool     `json:"eol"`
		EOLDate    *string  `json:"eol_date"`
		EOLCycle   *string  `json:"eol_cycle"`
		KEV        []string `json:"kev"`
		Ransomware bool     `json:"ransomware"`
	}
	want := []struct {
		name, date, cycle string
		eol, ransom       bool
		cve               string
	}{
		{"ward3-pc01", "2020-01-14", "7-sp1", true, true, "CVE-2017-0144"},
		{"pas-db", "2023-10-10", "2012-r2", true, true, "CVE-2020-1472"},
		{"nurse-lt7", "2025-10-14", "10-22h2", true, true, "CVE-2019-0708"},
		{"exch01", "2025-10-14", "2016", true, true, "CVE-2021-26855"},
		{"vpn-edge", "", "", false, true, "CVE-2019-19781"},
		{"pump-12", "2026-01-31", "", true, false, ""},
	}
	for i, line := range lines {
		var keys map[string]json.RawMessage
		var r row
		if err := json.Unmarshal([]byte(line), &keys); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		json.Unmarshal([]byte(line), &r)
		for _, k := range estateFields {
			if _, ok := keys[k]; !ok {
				t.Errorf("line %d lacks %q", i+1, k)
			}
		}
		w := want[i]
		date, cycle := "", ""
		if r.EOLDate != nil {
			date = *r.EOLDate
		}
		if r.EOLCycle != nil {
			cycle = *r.EOLCycle
		}
		if r.Name != w.name || r.EOL != w.eol || date != w.date || cycle != w.cycle || r.Ransomware != w.ransom || r.KEV == nil ||
			(w.cve != "" && !slices.Contains(r.KEV, w.cve)) || (w.cve == "" && len(r.KEV) != 0) {
			t.Errorf("line %d: %s eol %v %q %q ransomware %v, %d CVEs; want %+v", i+1, r.Name, r.EOL, date, cycle, r.Ransomware, len(r.KEV), w)
		}
	}
	if strings.Contains(lines[4], `"eol_date":null`) == false || !strings.Contains(lines[5], `"kev":[]`) {
		t.Errorf("unknown dates must be null and empty lists []:\n%s\n%s", lines[4], lines[5])
	}
}

func TestEstateUpdateThenCheck(t *testing.T) {
	data := t.TempDir()
	code, stdout, stderr := runVigil(t, "estate", "update", "--data", data,
		"--kev", sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json"),
		"--eol", sharedtest.Path(t, "endoflife", "products"))
	if code != 0 || !strings.Contains(stdout, "stored KEV catalogue") {
		t.Fatalf("update: exit %d: %s%s", code, stdout, stderr)
	}
	assets := filepath.Join(t.TempDir(), "assets.csv")
	os.WriteFile(assets, []byte(estateCSV), 0o600)
	for _, format := range []string{"csv", "table"} {
		code, stdout, stderr = runVigil(t, "estate", "check", "--data", data, "--assets", assets, "--at", "2026-11-28", "--format", format)
		if code != 0 || !strings.Contains(stdout, "ward3-pc01") || !strings.Contains(stdout, "2020-01-14") {
			t.Errorf("check %s with stored feeds: exit %d: %s%s", format, code, stdout, stderr)
		}
	}
}

func TestEstateCheckFromEvents(t *testing.T) {
	code, stdout, stderr := runVigil(t, "estate", "check",
		"--events", sharedtest.Path(t, "evtx-attack-samples", "Credential Access"),
		"--eol", sharedtest.Path(t, "endoflife", "products"),
		"--kev", sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json"),
		"--at", "2026-11-28", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"name":"IEWIN7"`) || !strings.Contains(stdout, `"eol_date":"2020-01-14"`) || !strings.Contains(stdout, `"software":[{"vendor":`) {
		t.Errorf("the Windows 7 host of the samples is not flagged:\n%.2000s", stdout)
	}
}

func TestEstateErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("name,vendor,product,version,ip\na,b,c,d,not-an-ip\n"), 0o600)
	missing := filepath.Join(dir, "missing.csv")
	os.WriteFile(missing, []byte("name,product\na,b\n"), 0o600)
	eol := sharedtest.Path(t, "endoflife", "products")
	kev := sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"estate"}, 2, "check, update or register"},
		{[]string{"estate", "audit"}, 2, "unknown subcommand"},
		{[]string{"estate", "check", "--eol", eol, "--kev", kev}, 2, "--assets"},
		{[]string{"estate", "check", "--assets", bad, "--eol", eol, "--kev", kev}, 1, "bad.csv:2: column ip"},
		{[]string{"estate", "check", "--assets", missing, "--eol", eol, "--kev", kev}, 1, "missing.csv:1: header lacks required column(s) vendor, version"},
		{[]string{"estate", "check", "--assets", bad, "--data", dir}, 1, "vigil estate update"},
		{[]string{"estate", "check", "--assets", bad, "--eol", eol, "--kev", kev, "--at", "someday"}, 2, "--at"},
		{[]string{"estate", "check", "--assets", missing, "--eol", eol, "--kev", kev, "--format", "xml"}, 2, "unknown format"},
		{[]string{"estate", "update", "--kev", kev}, 2, "--eol"},
		{[]string{"estate", "update", "--kev", bad, "--eol", eol, "--data", dir}, 1, "bad.csv"},
	} {
		code, _, stderr := runVigil(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// TestEstateCheckMergesCSVAndEvents gives the register's owner and the
// events' build for one host.
func TestEstateCheckMergesCSVAndEvents(t *testing.T) {
	assets := filepath.Join(t.TempDir(), "assets.csv")
	os.WriteFile(assets, []byte("name,vendor,product,version,owner\niewin7.lab.example,,,,Ward 9\n"), 0o600)
	code, stdout, stderr := runVigil(t, "estate", "check", "--assets", assets,
		"--events", sharedtest.Path(t, "evtx-attack-samples", "Credential Access"),
		"--eol", sharedtest.Path(t, "endoflife", "products"),
		"--kev", sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json"),
		"--at", "2026-11-28", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first, _, _ := strings.Cut(stdout, "\n")
	var r struct {
		Name      string   `json:"name"`
		Owner     string   `json:"owner"`
		OSVersion string   `json:"os_version"`
		EOL       bool     `json:"eol"`
		Sources   []string `json:"sources"`
	}
	if err := json.Unmarshal([]byte(first), &r); err != nil {
		t.Fatal(err)
	}
	if r.Name != "iewin7.lab.example" || r.Owner != "Ward 9" || r.OSVersion != "6.1.7601" || !r.EOL || len(r.Sources) != 2 {
		t.Errorf("merged host: %+v", r)
	}
}
