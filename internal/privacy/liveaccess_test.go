package privacy

import (
	"testing"
	"unsafe"

	"github.com/vigilhealth/vigil/internal/event"
)

// TestLiveAccessRoundTrip feeds the test trust to Live, with and without
// dropping old accesses, and checks that each access kept gives back the
// fact of its event exactly (so that the analysis reads what it read
// from the whole record), and that the string table holds the strings
// the kept accesses name and no others.
func TestLiveAccessRoundTrip(t *testing.T) {
	_, evs := liveEvents(t, t.TempDir())
	for _, max := range []int{DefaultMaxAccesses, 40, 8} {
		l := NewLive(DefaultOptions(), nil)
		l.MaxAccesses = max
		var audit []*event.Event
		for _, ev := range evs {
			if l.AddEvent(ev) && ev.LogSource.Product == "fhir" {
				audit = append(audit, ev)
			}
		}
		if len(l.accesses) == 0 || len(l.accesses) > len(audit) {
			t.Fatalf("max %d: kept %d of %d accesses", max, len(l.accesses), len(audit))
		}
		if max < len(audit) && l.Dropped() == 0 {
			t.Errorf("max %d: nothing dropped of %d", max, len(audit))
		}
		named := map[string]bool{"": true}
		audit = audit[len(audit)-len(l.accesses):]
		for i, ev := range audit {
			ac := accessFromEvent(ev)
			want, got := factOf(&ac), l.accesses[i].fact(l.strs.names)
			if got != want {
				t.Fatalf("max %d: access %d gives back %+v, want %+v", max, i, got, want)
			}
			for _, s := range []string{got.user, got.name, got.role, got.pat, got.id} {
				named[s] = true
			}
		}
		if len(l.strs.names) != len(named) || len(l.strs.idx) != len(named) {
			t.Errorf("max %d: the table holds %d strings, the kept accesses name %d", max, len(l.strs.names), len(named))
		}
		for i, s := range l.strs.names {
			if !named[s] || l.strs.idx[s] != uint32(i) {
				t.Errorf("max %d: table entry %d %q is not named by a kept access or not indexed", max, i, s)
			}
		}
	}
}

// TestLiveStringsCopy checks that the table keeps its own copy of a
// string, so that an event reused after AddEvent cannot change it.
func TestLiveStringsCopy(t *testing.T) {
	id := event.Intern("patient.nhs_number")
	var ev event.Event
	ev.AddBytes(id, []byte("9434765919"))
	v, _ := ev.Get(id) // a view of the event's storage
	tab := newLiveStrings()
	i := tab.id(v)
	ev.Reset()
	ev.AddBytes(id, []byte("0000000000")) // rewrites the storage v viewed
	if tab.names[i] != "9434765919" || tab.id("9434765919") != i || tab.id("") != 0 {
		t.Errorf("table after the event was reused: %q", tab.names)
	}
}

// TestLiveStringsZero checks that a zero table works as a new one: "" is
// index 0 whichever string comes first.
func TestLiveStringsZero(t *testing.T) {
	for _, first := range []string{"", "B001"} {
		var tab liveStrings
		i := tab.id(first)
		if tab.id("") != 0 || tab.names[i] != first || tab.id("B001") == 0 || len(tab.names) != 2 {
			t.Errorf("first %q: table %q", first, tab.names)
		}
	}
}

// TestLiveAccessSize holds the record Live keeps per access to its size:
// the figure DefaultMaxAccesses' comment and docs/privacy.md give.
func TestLiveAccessSize(t *testing.T) {
	if got := unsafe.Sizeof(liveAccess{}); got != 32 {
		t.Errorf("liveAccess is %d bytes, want 32", got)
	}
}
