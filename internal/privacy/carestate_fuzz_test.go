package privacy

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// FuzzCareState folds any HL7 messages into Live's care state and into an
// offline Auditor: the care facts an analysis starts from (importCare)
// must be the offline Auditor's, and after any drop the visits left must
// still be found by their numbers.
func FuzzCareState(f *testing.F) {
	_, adt, _, _, _ := testTrust(f, f.TempDir())
	seed, err := os.ReadFile(adt)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, int64(1778000000))
	f.Add([]byte("MSH|^~\\&|PAS|RX1|VIGIL|RX1|202605010900||ADT^A40|M1|P|2.4\rEVN|A40|202605010900\r"+
		"PID|1||9434765919^^^NHS^NH~RX1^^^R^MR||ROSS^LEO\rMRG|9434765870^^^NHS^NH\r"+
		"ROL|1|UC|PP^Primary Care Provider|G001^GP^ANN|20200101\r"), int64(0))
	for _, m := range []adtSpec{
		{event: "A01", at: "202605040900", operator: "R001", nhs: nhs(1), family: "TURNER", ward: "Ward 7", service: "Cardiology", visit: "V1", attending: "C001", referring: "G001", admit: "202605040900"},
		{event: "A11", at: "202605041000", nhs: nhs(1), ward: "Ward 7", visit: "V1"},
		{event: "A08", at: "202605041000", nhs: nhs(2), nk1: "JONES^SARAH|SPO^Spouse", street: "40 Far Road", postcode: "YO1 1AA", ward: "ED", attending: "B001"},
	} {
		f.Add([]byte(m.String()), int64(1777900000))
	}
	f.Add([]byte("MSH|^~\\&|PAS|RXX|VIGIL|RXX|20260505090000||SIU^S12|S1|P|2.5\rSCH|A1|A1|||||||30|MIN|^^30^202605051000^202605051030\r"+
		"PID|||"+nhs(3)+"^^^NHS^NH||TURNER^ANN\rAIP|1||C001^SMITH^JOHN\r"), int64(1778000000))
	f.Fuzz(func(t *testing.T, data []byte, cut int64) {
		c, offline := newCareState(DefaultOptions()), New(DefaultOptions())
		for _, raw := range hl7.Split(data) {
			m, err := hl7.Parse(raw)
			if err != nil {
				continue
			}
			if cr, err := careRecordOf(m); err == nil {
				cerr, oerr := cr.addTo(c), cr.addTo(offline)
				if (cerr == nil) != (oerr == nil) {
					t.Fatalf("care state %v, offline %v", cerr, oerr)
				}
			}
		}
		imported := New(DefaultOptions())
		imported.importCare(c)
		if got, want := careFacts(imported), careFacts(offline); !slices.Equal(got, want) {
			t.Fatalf("imported care facts differ:\n got %q\nwant %q", got, want)
		}
		c.dropCareBefore(cut)
		for k, i := range c.visits {
			if int(i) >= len(c.episodes) || k != c.pats.names[c.episodes[i].pat]+"#"+c.episodes[i].label {
				t.Fatalf("visit %s indexes episode %d of %d", k, i, len(c.episodes))
			}
		}
	})
}

// careFacts renders an Auditor's care facts by ids, each link once.
func careFacts(a *Auditor) []string {
	var out []string
	ids := func(us []uint32) []string {
		var s []string
		for _, u := range us {
			s = append(s, a.staff[u].ID)
		}
		return s
	}
	for _, e := range a.episodes {
		var stays []string
		for _, s := range e.stays {
			stays = append(stays, fmt.Sprint(s.from, s.ward, s.service))
		}
		out = append(out, fmt.Sprintf("episode %s %q %q %v %d %d %v %q clin=%q ref=%q", a.pats.names[e.pat], e.label, e.class,
			e.appt, e.start, e.end, e.cancelled, stays, ids(e.clin), ids(e.ref)))
	}
	for i, p := range a.patients {
		out = append(out, fmt.Sprintf("patient %d %+v", i, p))
	}
	var links []string
	for _, l := range a.links {
		links = append(links, fmt.Sprintf("link %s %s %d %d %d", a.staff[l.user].ID, a.pats.names[l.pat], l.from, l.to, l.why))
	}
	slices.Sort(links)
	out = append(out, slices.Compact(links)...)
	for _, m := range []map[string]string{a.aliases, a.mrn} {
		keys := slices.Sorted(maps.Keys(m))
		for _, k := range keys {
			out = append(out, k+"->"+m[k])
		}
	}
	return append(out, fmt.Sprint(a.users.names, a.counts.adt, a.counts.appts))
}
