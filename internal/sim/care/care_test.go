package care

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSameSeedSameFiles(t *testing.T) {
	a, b := generate(t, testConfig(7)), generate(t, testConfig(7))
	files := 0
	filepath.Walk(a, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with seed 7", rel)
		}
		files++
		return nil
	})
	if files < 10 {
		t.Fatalf("only %d files written", files)
	}
	c := generate(t, testConfig(8))
	x, _ := os.ReadFile(filepath.Join(a, "access.ndjson"))
	y, _ := os.ReadFile(filepath.Join(c, "access.ndjson"))
	if bytes.Equal(x, y) {
		t.Error("seeds 7 and 8 wrote the same access log")
	}
}

func TestFilesParseAndMatchTruth(t *testing.T) {
	f := trustFor(t, 1)
	tr := f.truth
	reads, searches, overrides := 0, 0, 0
	for i, a := range f.events {
		if _, ok := f.staff[a.UserID]; !ok {
			t.Fatalf("event %d: user %q is not on the roster", i+1, a.UserID)
		}
		if a.NetworkAddress == "" || len(a.UserRole) < 2 || len(a.PurposeOfUse) != 1 {
			t.Fatalf("event %d: address %q roles %v purposes %v", i+1, a.NetworkAddress, a.UserRole, a.PurposeOfUse)
		}
		for _, id := range a.PatientIDs {
			if !validNHS(id.Value) {
				t.Fatalf("event %d: NHS number %q fails the check digit", i+1, id.Value)
			}
		}
		switch {
		case isSearch(a):
			searches++
			if a.Query == "" || len(a.PatientIDs) == 0 {
				t.Fatalf("event %d: search without query or results", i+1)
			}
		case isOverride(a):
			overrides++
			if a.BreakGlass != hasSubtype(a, "110127") {
				t.Fatalf("event %d: override start %v, BreakGlass %v", i+1, hasSubtype(a, "110127"), a.BreakGlass)
			}
		default:
			reads++
			if a.Action != "R" || len(a.PatientIDs) != 1 || a.NHSNumber == "" {
				t.Fatalf("event %d: a read of %d patients (action %q)", i+1, len(a.PatientIDs), a.Action)
			}
		}
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"accesses", len(f.events), tr.Accesses},
		{"reads", reads, tr.Reads},
		{"searches", searches, tr.Searches},
		{"overrides", overrides, tr.BreakGlassEvents},
		{"legitimate + misuse", tr.Legitimate + tr.MisuseEvents, tr.Accesses},
		{"legitimate by reason", sumValues(tr.LegitimateByReason), tr.Legitimate},
		{"staff rows", len(f.staff), tr.Staff},
		{"patients in ADT", len(f.patients) - len(f.merged), tr.Patients},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	for _, ev := range []string{"A01", "A02", "A03", "A04", "A08", "A11", "A13", "A40", "S12"} {
		if f.messages[ev] == 0 {
			t.Errorf("no %s message written", ev)
		}
	}
	for nhs := range f.patients {
		if !strings.HasPrefix(nhs, "999") || !validNHS(nhs) {
			t.Errorf("NHS number %s is not a valid test number", nhs)
		}
	}
	if len(f.vips) == 0 || len(f.reviews) == 0 {
		t.Errorf("%d watch-list patients, %d break-glass reviews", len(f.vips), len(f.reviews))
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestReviewsNameOverrides checks that each review names an override start
// by the same user for the same patient.
func TestReviewsNameOverrides(t *testing.T) {
	f := trustFor(t, 2)
	starts := map[string]bool{}
	for _, a := range f.events {
		if isOverride(a) && hasSubtype(a, "110127") {
			starts[a.ID] = true
			r := f.reviews[a.ID]
			if r == nil || r[1] != a.UserID || r[2] != a.NHSNumber {
				t.Errorf("override %s by %s on %s: review %v", a.ID, a.UserID, a.NHSNumber, r)
			}
		}
	}
	if len(starts) != len(f.reviews) {
		t.Errorf("%d override starts, %d reviews", len(starts), len(f.reviews))
	}
}

func TestPostcodesAndAddresses(t *testing.T) {
	f := trustFor(t, 1)
	for nhs, p := range f.patients {
		if !postcodeShape(p.postcode) {
			t.Fatalf("patient %s: postcode %q is not in UK format", nhs, p.postcode)
		}
		if n := strings.IndexByte(p.street, ' '); n < 1 || strings.Trim(p.street[:n], "0123456789") != "" {
			t.Fatalf("patient %s: street %q has no house number", nhs, p.street)
		}
	}
}

// postcodeShape checks the UK format: outward code of area letters and
// district digits, a space, a sector digit and two unit letters.
func postcodeShape(pc string) bool {
	out, in, ok := strings.Cut(pc, " ")
	if !ok || len(in) != 3 || in[0] < '0' || in[0] > '9' || !strings.ContainsRune(unitLetters, rune(in[1])) || !strings.ContainsRune(unitLetters, rune(in[2])) {
		return false
	}
	letters := strings.TrimRight(out, "0123456789")
	return len(letters) >= 1 && len(letters) <= 2 && len(out)-len(letters) >= 1 && len(out)-len(letters) <= 2
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"small", mustSize(t, "small"), true},
		{"few staff", Config{Staff: 10, Patients: 5000, Days: 30}, false},
		{"few patients", Config{Staff: 200, Patients: 10, Days: 30}, false},
		{"too many patients", Config{Staff: 200, Patients: 900_000, Days: 30}, false},
		{"no days", Config{Staff: 200, Patients: 5000}, false},
	}
	for _, tc := range tests {
		if err := tc.cfg.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	if _, err := ForSize("huge", 1); err == nil {
		t.Error("ForSize(huge) gave no error")
	}
}

func mustSize(t *testing.T, s string) Config {
	c, err := ForSize(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNHSNumbers(t *testing.T) {
	tests := []struct {
		stem uint64
		want string
		ok   bool
	}{
		{943476591, "9434765919", true}, // the NHS's published example
		{999000001, "9990000018", true},
		{999000000, "", false}, // check value 10: never issued
	}
	for _, tc := range tests {
		got, ok := nhsNumber(tc.stem)
		if got != tc.want || ok != tc.ok {
			t.Errorf("nhsNumber(%d) = %q, %v; want %q, %v", tc.stem, got, ok, tc.want, tc.ok)
		}
	}
	w, err := Build(testConfig(4))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range w.Patients {
		if seen[p.NHS] || !validNHS(p.NHS) || !strings.HasPrefix(p.NHS, "999") {
			t.Fatalf("NHS number %s repeated or invalid", p.NHS)
		}
		seen[p.NHS] = true
	}
}

func TestDSTAndLocalTimes(t *testing.T) {
	w, err := Build(Config{Seed: 1, Staff: 80, Patients: 1000, Days: 2, Start: time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.day(1).Sub(w.day(0)); got != 23*time.Hour {
		t.Errorf("30 March 2025 lasts %v, want 23h (clocks go forward)", got)
	}
	if got := w.dayIndex(w.at(1, 0, 30)); got != 1 {
		t.Errorf("dayIndex(00:30 on day 1) = %d", got)
	}
}
