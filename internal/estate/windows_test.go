package estate

import (
	"slices"
	"testing"
)

func TestParseWindows(t *testing.T) {
	for _, tc := range []struct {
		name, version string
		family        WindowsFamily
		edition       WindowsEdition
		release       string
	}{
		{"Windows 7 Professional SP1", "6.1.7601", FamilyClient, EditionConsumer, ""},
		{"Microsoft Windows Server 2012 R2 Standard", "", FamilyServer, EditionUnknown, "2012-r2"},
		{"Windows Server 2012 R2", "6.3.9600", FamilyServer, EditionUnknown, "2012-r2"},
		{"Windows 10 Pro", "10.0.19045.3448", FamilyClient, EditionConsumer, "22h2"},
		{"Windows 10 Enterprise", "Build 19044", FamilyClient, EditionEnterprise, "21h2"},
		{"Windows 10 Enterprise LTSC 2019", "", FamilyClient, EditionLTSC, "1809"},
		{"Windows 10 IoT Enterprise LTSC 2021", "", FamilyClient, EditionIoTLTSC, "21h2"},
		{"Windows 11 Pro", "23H2", FamilyClient, EditionConsumer, "23h2"},
		{"Windows Server 2019 Datacenter", "10.0.17763", FamilyServer, EditionUnknown, "2019"},
		{"Windows Server, version 1809", "10.0.17763", FamilyServer, EditionUnknown, "1809-sac"},
		{"Windows Server", "10.0.20348", FamilyServer, EditionUnknown, "2022"},
		{"Windows Server 2016 Standard", "1607", FamilyServer, EditionUnknown, "2016"},
		{"Windows Server, version 20H2", "", FamilyServer, EditionUnknown, "20h2-sac"},
		{"Windows Server 2003 R2", "", FamilyServer, EditionUnknown, "2003-r2"},
		{"Win10 Pro", "22H2", FamilyClient, EditionConsumer, "22h2"},
		{"Windows Embedded Standard 7", "", FamilyEmbedded, EditionUnknown, "standard-7-sp1"},
		{"", "6.01.7601", FamilyUnknown, EditionUnknown, ""},
	} {
		w, ok := ParseWindows(tc.name, tc.version)
		if !ok || w.Family != tc.family || w.Edition != tc.edition || w.Release != tc.release {
			t.Errorf("ParseWindows(%q, %q) = %+v, %v; want family %d edition %d release %q", tc.name, tc.version, w, ok, tc.family, tc.edition, tc.release)
		}
	}
	for _, tc := range [][2]string{{"Ubuntu", "22.04"}, {"", "22.04"}, {"", ""}, {"Red Hat Enterprise Linux", "7601"}} {
		if w, ok := ParseWindows(tc[0], tc[1]); ok {
			t.Errorf("ParseWindows(%q, %q) = %+v, want not Windows", tc[0], tc[1], w)
		}
	}
}

// TestWindowsCycles resolves Windows names and builds through the shared
// end-of-life data, so the cycle names are the data's own.
func TestWindowsCycles(t *testing.T) {
	l, _ := loadShared(t)
	at := date("2026-11-28")
	for _, tc := range []struct {
		os, version           string
		product, cycle, date  string
		eol, known, withNotes bool
	}{
		{"Windows 7 Professional", "6.1.7601", "windows", "7-sp1", "2020-01-14", true, true, false},
		{"Windows Server 2012 R2 Standard", "", "windows-server", "2012-r2", "2023-10-10", true, true, false},
		{"Windows 10 Pro", "10.0.19045", "windows", "10-22h2", "2025-10-14", true, true, false},
		{"Windows 10 Pro", "10.0.19044", "windows", "10-21h2-w", "2023-06-13", true, true, false},
		{"Windows 10 Enterprise", "10.0.19044", "windows", "10-21h2-e", "2024-06-11", true, true, false},
		{"Windows 10 Enterprise LTSC 2021", "", "windows", "10-21h2-e-lts", "2027-01-12", false, true, false},
		{"Windows 10 IoT Enterprise LTSC 2021", "", "windows", "10-21h2-iot-lts", "2032-01-13", false, true, false},
		{"Windows 10 IoT Enterprise LTSC 2019", "", "windows", "10-1809-e-lts", "2029-01-09", false, true, false},
		{"Windows 11 Enterprise", "10.0.22631", "windows", "11-23h2-e", "2026-11-10", true, true, false},
		{"Windows Server 2019", "10.0.17763", "windows-server", "2019", "2029-01-09", false, true, false},
		{"Windows Server 2022", "", "windows-server", "2022", "2031-10-14", false, true, false},
		{"Windows Server 2016 Standard", "1607", "windows-server", "2016", "2027-01-12", false, true, false},
		{"Windows Server, version 1809", "10.0.17763", "windows-server", "1809-sac", "2020-11-10", true, true, false},
		{"Windows Server 2003 R2", "", "windows-server", "2003-sp2", "2015-07-14", true, true, false},
		{"Windows 8.1 Pro", "", "windows", "8.1", "2023-01-10", true, true, false},
		{"Windows XP", "", "windows", "5-sp3", "2014-04-08", true, true, false},
		{"Windows Embedded POSReady 7", "", "windows-embedded", "posready-7", "2021-10-12", true, true, false},
		// A build alone: Windows 7 SP1 and Server 2008 R2 SP1 end together.
		{"", "6.1.7601", "windows", "7-sp1", "2020-01-14", true, true, true},
		// 8.1 or 2012 R2: both over, reported from the later date.
		{"Windows", "6.3.9600", "windows-server", "2012-r2", "2023-10-10", true, true, true},
		// 1809 client (over) or Server 2019 (supported): not known.
		{"", "10.0.17763", "", "", "", false, false, true},
		// Windows 10 without a release: not known, never guessed.
		{"Windows 10 Pro", "", "", "", "", false, false, true},
		// Windows 7 RTM: the SP1 date is the latest it could be.
		{"Windows 7", "6.1.7600", "windows", "7-sp1", "2020-01-14", true, true, true},
	} {
		f := (&Checker{Lifecycles: l}).Check(Asset{Name: "h", OS: tc.os, OSVersion: tc.version}, at)
		got := f.EOLDate
		want := ""
		if !got.IsZero() {
			want = got.Format(dateLayout)
		}
		if f.EOLProduct != tc.product || f.EOLCycle != tc.cycle || want != tc.date || f.EOL != tc.eol || f.EOLKnown != tc.known || (f.EOLNote != "") != tc.withNotes {
			t.Errorf("%q %q: %s %s %q eol=%v known=%v note=%q; want %s %s %q eol=%v known=%v note=%v",
				tc.os, tc.version, f.EOLProduct, f.EOLCycle, want, f.EOL, f.EOLKnown, f.EOLNote, tc.product, tc.cycle, tc.date, tc.eol, tc.known, tc.withNotes)
		}
	}
}

func FuzzParseWindows(f *testing.F) {
	for _, s := range [][2]string{
		{"Windows 7 Professional SP1", "6.1.7601"}, {"Windows Server 2012 R2 Standard", ""}, {"Windows 10 Pro", "10.0.19045.3448"},
		{"Windows 10 IoT Enterprise LTSC 2021", ""}, {"Windows Server, version 1809", "10.0.17763"}, {"", "6.01. 7601"},
		{"Windows Embedded Standard 7", ""}, {"Win11 Enterprise", "Build 22631"},
	} {
		f.Add(s[0], s[1])
	}
	l := NewLifecycles(nil)
	f.Fuzz(func(t *testing.T, name, version string) {
		w, ok := ParseWindows(name, version)
		if !ok {
			if w != (WindowsOS{}) {
				t.Fatalf("not Windows, yet %+v", w)
			}
			return
		}
		for _, ch := range w.choices() {
			if ch.Product == "" || len(ch.Cycles) == 0 || slices.Contains(ch.Cycles, "") {
				t.Fatalf("%+v gives choice %+v", w, ch)
			}
		}
		l.resolveWindows(w, date("2026-11-28"))
	})
}
