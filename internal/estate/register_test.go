package estate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRegisterRoundTrip(t *testing.T) {
	r := &Register{Entries: []RegisterEntry{
		{Asset: "pacs-ws-01", Reason: "modality software needs Windows 7", Mitigation: "segmented VLAN, no internet", Owner: "Radiology",
			SupportEnd: date("2020-01-14"), Review: date("2027-01-31"), BoardApproved: date("2026-03-12")},
		{Asset: "exch01", Reason: "migration, planned", Owner: "IT, infrastructure", SupportEnd: date("2025-10-14")},
	}}
	for _, name := range []string{"register.yaml", "register.csv"} {
		path := filepath.Join(t.TempDir(), name)
		if err := r.Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := LoadRegister(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got.Entries, r.Entries, func(a, b RegisterEntry) bool {
			return a.Asset == b.Asset && a.Reason == b.Reason && a.Mitigation == b.Mitigation && a.Owner == b.Owner &&
				a.SupportEnd.Equal(b.SupportEnd) && a.Review.Equal(b.Review) && a.BoardApproved.Equal(b.BoardApproved)
		}) {
			t.Errorf("%s: read back %+v", name, got.Entries)
		}
	}
}

func TestRegisterErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"r.yaml", "entries:\n  - asset: a\n  - asset: ''\n", "r.yaml:3: asset: empty"},
		{"r.yaml", "entries:\n  - asset: a\n    review: next year\n", "r.yaml:2: review: want a date"},
		{"r.yaml", "entries:\n  - asset: a\n  - asset: A.trust.nhs.uk\n", "r.yaml:3: asset \"A.trust.nhs.uk\" has a second entry"},
		{"r.yaml", "entries: [\n", "r.yaml: yaml"},
		{"r.csv", "owner\nx\n", "r.csv:1: header lacks column asset"},
		{"r.csv", "asset,board_approved\na,2026-01-01\nb,01/01/2026\n", "r.csv:3: board_approved"},
	} {
		path := filepath.Join(t.TempDir(), tc.name)
		os.WriteFile(path, []byte(tc.data), 0o600)
		r, err := LoadRegister(path)
		if err == nil || r != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, %v; want an error containing %q", tc.data, r, err, tc.want)
		}
	}
}

func TestRegisterSyncAndUpcoming(t *testing.T) {
	at := date("2026-11-28")
	findings := []Finding{
		{Asset: Asset{Name: "old"}, At: at, EOL: true, EOLKnown: true, EOLDate: date("2020-01-14")},
		{Asset: Asset{Name: "soon", Owner: "Pathology"}, At: at, EOLKnown: true, EOLDate: date("2027-03-01")},
		{Asset: Asset{Name: "later"}, At: at, EOLKnown: true, EOLDate: date("2027-10-01")},
		{Asset: Asset{Name: "far"}, At: at, EOLKnown: true, EOLDate: date("2030-01-01")},
		{Asset: Asset{Name: "unknown"}, At: at},
	}
	r := &Register{Entries: []RegisterEntry{{Asset: "far", Reason: "kept", BoardApproved: date("2026-01-01")}}}
	r.Sync(findings)
	var names []string
	for _, e := range r.Entries {
		names = append(names, e.Asset)
	}
	if want := []string{"far", "old", "soon", "later"}; !slices.Equal(names, want) {
		t.Fatalf("entries %v, want %v", names, want)
	}
	if e := r.Entry("soon"); e.Owner != "Pathology" || !e.SupportEnd.Equal(date("2027-03-01")) {
		t.Errorf("new entry %+v", e)
	}
	if e := r.Entry("far"); e.Reason != "kept" || !e.SupportEnd.Equal(date("2030-01-01")) {
		t.Errorf("existing entry lost its reason or missed its date: %+v", e)
	}
	for _, tc := range []struct {
		months int
		want   []string
	}{{6, []string{"soon"}}, {12, []string{"soon", "later"}}} {
		var got []string
		for _, e := range r.Upcoming(at, tc.months) {
			got = append(got, e.Asset)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Upcoming(%d months) = %v, want %v", tc.months, got, tc.want)
		}
	}
	if un := r.Unapproved(at); len(un) != 1 || un[0].Asset != "old" {
		t.Errorf("Unapproved = %+v, want only old", un)
	}
}

func FuzzReadRegister(f *testing.F) {
	f.Add(false, []byte("entries:\n  - asset: pacs-ws-01\n    reason: modality\n    support_end: 2020-01-14\n    board_approved: 2026-03-12\n"))
	f.Add(true, []byte("asset,reason,mitigation,owner,support_end,review,board_approved\nexch01,\"migration, planned\",,IT,2025-10-14,2027-01-31,\n"))
	f.Add(false, []byte("entries: []\n"))
	f.Fuzz(func(t *testing.T, csv bool, data []byte) {
		name := "r.yaml"
		if csv {
			name = "r.csv"
		}
		path := filepath.Join(t.TempDir(), name)
		os.WriteFile(path, data, 0o600)
		r, err := LoadRegister(path)
		if err != nil {
			if r != nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("register %v with error %v", r, err)
			}
			return
		}
		if err := r.Save(path); err != nil {
			t.Fatal(err)
		}
		again, err := LoadRegister(path)
		if err != nil || len(again.Entries) != len(r.Entries) {
			t.Fatalf("saved register does not read back: %v", err)
		}
		for i, e := range again.Entries {
			if w := r.Entries[i]; e.Asset != strings.TrimSpace(w.Asset) || !e.SupportEnd.Equal(w.SupportEnd) || !e.BoardApproved.Equal(w.BoardApproved) {
				t.Fatalf("entry %d read back as %+v, was %+v", i, e, w)
			}
		}
	})
}
