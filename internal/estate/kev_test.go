package estate

import (
	"os"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func TestLoadWholeKEV(t *testing.T) {
	_, k := loadShared(t)
	if len(k.Vulns) == 0 || k.Version == "" || k.Released.IsZero() {
		t.Fatalf("catalogue %q released %v with %d entries", k.Version, k.Released, len(k.Vulns))
	}
	ransom := 0
	for _, v := range k.Vulns {
		if v.Ransomware {
			ransom++
		}
		if v.Added.IsZero() {
			t.Errorf("%s has no dateAdded", v.CVE)
		}
	}
	if ransom == 0 || ransom == len(k.Vulns) {
		t.Errorf("%d of %d entries marked ransomware", ransom, len(k.Vulns))
	}
}

const kevHead = `{"title":"t","catalogVersion":"1","dateReleased":"2025-08-25T17:04:19.9796Z","count":1,"vulnerabilities":[`

func kevDoc(entry string) string { return kevHead + entry + "]}" }

const goodEntry = `{"cveID":"CVE-2021-26855","vendorProject":"Microsoft","product":"Exchange Server","vulnerabilityName":"x","dateAdded":"2021-11-03","dueDate":"2021-11-17","knownRansomwareCampaignUse":"Known","cwes":["CWE-918"]}`

func TestParseKEVErrors(t *testing.T) {
	if c, err := ParseKEV("kev.json", []byte(kevDoc(goodEntry))); err != nil || len(c.Vulns) != 1 || !c.Vulns[0].Ransomware {
		t.Fatalf("good catalogue: %v, %v", c, err)
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"syntax", "{\n\"title\": \"t\",\n\"count\": 1,,\n}", "kev.json:3: byte"},
		{"truncated", kevHead + goodEntry, "kev.json:1: byte"},
		{"wrong type", strings.Replace(kevDoc(goodEntry), `"count":1`, `"count":"1"`, 1), "kev.json:1: byte"},
		{"trailing", kevDoc(goodEntry) + "\n{}", "kev.json:2: byte"},
		{"not a catalogue", `{"title": "x"}`, "not a KEV catalogue"},
		{"count", strings.Replace(kevDoc(goodEntry), `"count":1`, `"count":2`, 1), "count is 2"},
		{"cve", kevDoc(strings.Replace(goodEntry, "CVE-2021-26855", "CVE-21-1", 1)), "vulnerabilities[0] (CVE-21-1): cveID"},
		{"date", kevDoc(strings.Replace(goodEntry, "2021-11-03", "03/11/2021", 1)), "dateAdded"},
		{"ransomware", kevDoc(strings.Replace(goodEntry, `"Known"`, `"Yes"`, 1)), "knownRansomwareCampaignUse"},
		{"released", strings.Replace(kevDoc(goodEntry), "2025-08-25T17:04:19.9796Z", "yesterday", 1), "dateReleased"},
	} {
		c, err := ParseKEV("kev.json", []byte(tc.data))
		if err == nil || c != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, %v; want an error containing %q", tc.name, c, err, tc.want)
		}
	}
}

func FuzzParseKEV(f *testing.F) {
	f.Add([]byte(kevDoc(goodEntry)))
	f.Add([]byte(`{"catalogVersion":"1","dateReleased":"2025-08-25T00:00:00Z","count":0,"vulnerabilities":[]}`))
	if data, err := os.ReadFile(sharedtest.Path(f, "kev", "known_exploited_vulnerabilities.json")); err == nil {
		f.Add(data[:4096])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseKEV("fuzz.json", data)
		if (c == nil) == (err == nil) {
			t.Fatalf("catalogue %v with error %v", c, err)
		}
		if c != nil {
			for _, v := range c.Vulns {
				c.Match(Subject{v.Vendor, v.Product})
			}
		}
	})
}
