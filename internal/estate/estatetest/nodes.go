package estatetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// save saves node's learned assets, failing the test on an error.
func save(t *testing.T, s estate.Store, node string, as []estate.Asset) {
	t.Helper()
	if err := s.SaveLearned(ctx, node, as); err != nil {
		t.Fatalf("SaveLearned for node %q: %v", node, err)
	}
}

// servers are n domain controllers learned from events, none of them
// among assets(n)'s hosts.
func servers(n int) []estate.Asset {
	seen := time.Date(2025, 3, 5, 8, 0, 0, 0, time.UTC)
	var out []estate.Asset
	for i := range n {
		out = append(out, estate.Asset{Name: fmt.Sprintf("DC%02d.trust.nhs.uk", i), OS: "Windows Server 2012 R2 Standard",
			OSVersion: "6.3.9600", Product: "domain controller", Sources: []string{"events"}, FirstSeen: seen, LastSeen: seen.Add(time.Hour)})
	}
	return out
}

// testLearnedPerNode: each node's save replaces only its own assets, and
// reading gives every node's, the nodes in order of name.
func testLearnedPerNode(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	save(t, s, "det-2", servers(2))
	save(t, s, "det-1", assets(2))
	sharedtest.SameJSON(t, "two nodes' assets", learned(t, s), append(assets(2), servers(2)...))
	save(t, s, "det-1", assets(1)) // det-1 saves again: det-2's stay
	want := append(assets(1), servers(2)...)
	sharedtest.SameJSON(t, "after det-1 saved again", learned(t, s), want)
	closeStore(t, s)
	s = open(t, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "after reopening", learned(t, s), want)
	// The single process's node "" comes first; a node saving none keeps
	// its place among those that saved, with nothing.
	save(t, s, "", servers(3)[2:])
	save(t, s, "det-2", nil)
	sharedtest.SameJSON(t, "with node \"\" and det-2 saving none", learned(t, s), append(servers(3)[2:], assets(1)...))
}

// testLearnedMerged: a host two nodes learned (its partition moved from
// one to the other) is one asset, merged as estate.MergeLearned merges.
func testLearnedMerged(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	before := assets(2) // on det-1 until the host's partition moved
	after := []estate.Asset{before[1], {Name: "lab-pc9"}}
	after[0].Name = "ws001" // the same host, by its short name
	after[0].IP, after[0].OSVersion = "", "10.0.26100"
	after[0].Software = []estate.Software{{Vendor: "Microsoft Corporation", Product: "Microsoft Office", Version: "16.0.0"},
		{Vendor: "Google LLC", Product: "Google Chrome", Version: "131.0"}}
	after[0].FirstSeen, after[0].LastSeen = before[1].LastSeen.Add(time.Hour), before[1].LastSeen.Add(2*time.Hour)
	save(t, s, "det-1", before)
	save(t, s, "det-2", after)
	got := learned(t, s)
	sharedtest.SameJSON(t, "merged", got, estate.MergeLearned(before, after))
	if len(got) != 4 {
		t.Fatalf("%d assets, want 4 (WS000, WS001, bare, lab-pc9): %+v", len(got), got)
	}
	ws := got[1]
	checks := []struct {
		what      string
		got, want any
	}{
		{"name (the fully qualified one)", ws.Name, before[1].Name},
		{"OS version (the latest observation's)", ws.OSVersion, "10.0.26100"},
		{"address (the older one's, the latest has none)", ws.IP, before[1].IP},
		{"programs (the union)", len(ws.Software), 2},
		{"Office's version (the highest, seen before)", ws.Software[0].Version, "16.0.1"},
		{"first seen (the earliest)", ws.FirstSeen.UTC(), before[1].FirstSeen.UTC()},
		{"last seen (the latest)", ws.LastSeen.UTC(), after[0].LastSeen.UTC()},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("WS001's %s: %v, want %v", c.what, c.got, c.want)
		}
	}
}
