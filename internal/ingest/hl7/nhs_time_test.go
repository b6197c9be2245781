package hl7

import (
	"strings"
	"testing"
	"time"
)

func TestValidNHSNumber(t *testing.T) {
	tests := []struct {
		in, norm string
		valid    bool
	}{
		{"9434765919", "9434765919", true},
		{"943 476 5919", "9434765919", true},
		{"943-476-5919", "9434765919", true},
		{"9999999999", "9999999999", true},
		{"4010232137", "4010232137", true},
		{"9434765918", "9434765918", false}, // wrong check digit
		{"9434765910", "9434765910", false},
		{"1000000010", "1000000010", false}, // remainder 1: check 10, never issued
		{"943476591", "943476591", false},   // nine digits
		{"94347659190", "94347659190", false},
		{"94347A5919", "94347A5919", false},
		{"", "", false},
	}
	for _, tc := range tests {
		norm, ok := ValidNHSNumber(tc.in)
		if ok != tc.valid || norm != tc.norm {
			t.Errorf("ValidNHSNumber(%q) = %q, %v; want %q, %v", tc.in, norm, ok, tc.norm, tc.valid)
		}
	}
}

// TestADTNHSNumber checks that NHS numbers are picked out by type code or
// assigning authority, and that one failing its check digit is reported.
func TestADTNHSNumber(t *testing.T) {
	tests := []struct {
		pid3, nhs, invalid, mrn, problem string
	}{
		{"A1^^^RVJ^MR~9434765919^^^NHS^NH", "9434765919", "", "A1", ""},
		{"943 476 5919^^^^NH~A1^^^RVJ^PI", "9434765919", "", "A1", ""},
		{"9434765919^^^NHSNMBR", "9434765919", "", "", ""},
		{"A1^^^RVJ^MR~9434765918^^^NHS^NH", "", "9434765918", "A1", `PID-3(2): NHS number "9434765918" fails the modulus 11 check`},
		{"A1^^^RVJ^MR~123^^^XX^SS", "", "", "A1", ""},
	}
	for _, tc := range tests {
		m, err := Parse(seg(`MSH|^~\&|A|B|||20240101||ADT^A01|1|P|2.5`, "PID|1||"+tc.pid3+"||X^Y"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseADT(m)
		if err != nil {
			t.Fatal(err)
		}
		p := a.Patient
		if p.NHSNumber != tc.nhs || p.InvalidNHSNumber != tc.invalid || p.MRN != tc.mrn {
			t.Errorf("PID-3 %q: NHS %q invalid %q MRN %q; want %q %q %q", tc.pid3, p.NHSNumber, p.InvalidNHSNumber, p.MRN, tc.nhs, tc.invalid, tc.mrn)
		}
		if got := strings.Join(a.Problems, "; "); got != tc.problem {
			t.Errorf("PID-3 %q: problems %q, want %q", tc.pid3, got, tc.problem)
		}
	}
}

func TestParseTime(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024", time.Date(2024, 1, 1, 0, 0, 0, 0, london)},
		{"202406", time.Date(2024, 6, 1, 0, 0, 0, 0, london)},
		{"20240615", time.Date(2024, 6, 15, 0, 0, 0, 0, london)},
		{"2024061513", time.Date(2024, 6, 15, 13, 0, 0, 0, london)},
		{"202406151304", time.Date(2024, 6, 15, 13, 4, 0, 0, london)},
		{"20240615130405", time.Date(2024, 6, 15, 13, 4, 5, 0, london)},
		{"20240615130405.1", time.Date(2024, 6, 15, 13, 4, 5, 100_000_000, london)},
		{"20240615130405.1234", time.Date(2024, 6, 15, 13, 4, 5, 123_400_000, london)},
		{"20200710183002.10700", time.Date(2020, 7, 10, 18, 30, 2, 107_000_000, london)},
		{"20240615130405+0215", time.Date(2024, 6, 15, 13, 4, 5, 0, time.FixedZone("", 2*3600+15*60))},
		{"20060529090131-0500", time.Date(2006, 5, 29, 9, 1, 31, 0, time.FixedZone("", -5*3600))},
		{"202406151304+0000", time.Date(2024, 6, 15, 13, 4, 0, 0, time.UTC)},
		{"20240115120000", time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)},   // GMT in winter
		{"20240615120000^S", time.Date(2024, 6, 15, 11, 0, 0, 0, time.UTC)}, // BST in summer
	}
	for _, tc := range tests {
		got, err := ParseTime(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "20", "202", "20240", "2024061", "20241301", "20240230", "20240615250000", "20240615.1", "20240615130405.", "2024-06-15", "20240615+02", "20240615+2500", "abcd"} {
		if got, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", bad, got)
		}
	}
}
