package estatetest

import (
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
)

// names are the assets' names, in order.
func names(as []estate.Asset) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
	}
	return out
}

// seenAt is a host learned from events, last seen at last.
func seenAt(name string, last time.Time) estate.Asset {
	return estate.Asset{Name: name, OS: "Windows 10 Pro", Sources: []string{"events"}, FirstSeen: last.Add(-time.Hour), LastSeen: last}
}

// testLearnedAgeOut: through estate.AgeLearned, hosts last seen more than
// the maximum age ago are not read (judged after merging every node's
// observations), a host without a last-seen time is kept, and a node's
// next save deletes its stale rows; maximum age 0 keeps every host.
func testLearnedAgeOut(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	now := date(2025, 6, 1)
	maxAge := 90 * 24 * time.Hour
	old, recent := now.Add(-maxAge-time.Hour), now.Add(-48*time.Hour)
	det1 := []estate.Asset{seenAt("ws-gone", old), seenAt("ws-here", recent), seenAt("ws-moved", old), {Name: "bare"}}
	det2 := []estate.Asset{seenAt("ws-moved", recent), seenAt("srv-gone", old)}
	save(t, s, "det-1", det1) // saved before the ageing, as rows of an older version are
	save(t, s, "det-2", det2)
	aged := estate.AgeLearned(s, maxAge, func() time.Time { return now })
	fresh := []string{"ws-here", "ws-moved", "bare"}
	if got := names(learned(t, aged)); !slices.Equal(got, fresh) {
		t.Fatalf("read with a maximum age: %q, want %q", got, fresh)
	}
	if got := names(learned(t, s)); len(got) != 5 {
		t.Fatalf("read without ageing before any save: %q, want all 5 hosts", got)
	}
	if err := aged.SaveLearned(ctx, "det-1", det1); err != nil {
		t.Fatal(err)
	}
	closeStore(t, s)
	s = open(t, dir)
	defer s.Close()
	// det-1's stale rows (its old observation of ws-moved too) are gone;
	// det-2, not saving since, keeps its own.
	want := []string{"ws-here", "bare", "ws-moved", "srv-gone"}
	if got := names(learned(t, s)); !slices.Equal(got, want) {
		t.Fatalf("rows after det-1 saved through the ageing: %q, want %q", got, want)
	}
	if kept := estate.AgeLearned(s, 0, func() time.Time { return now }); kept != s {
		t.Fatal("AgeLearned with maximum age 0 wraps the store")
	}
}
