package alert

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// step is a detection to add, or, with sight set, a sighting to observe.
type step struct {
	det   Detection
	sight *Sighting
}

func add(rule, host, user string, at time.Duration, ents ...Entity) step {
	d := det(rule, "high", host, user, at, 0)
	d.Entities = ents
	return step{det: d}
}

func sight(host string, at time.Duration, ents ...Entity) step {
	return step{sight: &Sighting{Host: host, Time: t0.Add(at), Entities: ents}}
}

func src(v string) Entity  { return Entity{EntitySource, v} }
func dst(v string) Entity  { return Entity{EntityTarget, v} }
func self(v string) Entity { return Entity{EntityAddress, v} }

// infrastructure is n hosts reaching host (the DC, a proxy), or, with
// reaching set, host reaching n hosts (a management server).
func infrastructure(host string, n int, reaching bool) []step {
	var out []step
	for i := range n {
		other := fmt.Sprintf("PC%02d.corp.example", i)
		if reaching {
			out = append(out, sight(host, time.Duration(i)*time.Second, dst(other)))
		} else {
			out = append(out, sight(other, time.Duration(i)*time.Second, dst(host)))
		}
	}
	return out
}

// run plays steps and returns, for each detection in order, the incident
// its alert ends up in, and the incidents as last reported.
func run(steps []step) ([]string, map[string]*Incident) {
	return runOn(NewDeduper(10*time.Minute, time.Hour), steps)
}

// runOn is run on d.
func runOn(d *Deduper, steps []step) ([]string, map[string]*Incident) {
	var ids []string
	alerts, incs := map[string]*Alert{}, map[string]*Incident{}
	for _, s := range steps {
		if s.sight != nil {
			d.Observe(*s.sight)
			continue
		}
		as, is := d.Add(s.det)
		ids = append(ids, as[0].ID)
		for _, a := range as {
			alerts[a.ID] = a
		}
		for _, i := range is {
			incs[i.ID] = i
		}
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = alerts[id].IncidentID
	}
	return out, incs
}

// linkCase is a sequence of detections and sightings and how one Deduper
// groups the detections' alerts.
type linkCase struct {
	name   string
	steps  []step
	groups [][]int // which detections' alerts share an incident
}

// linkCases are the Deduper's linking rules, case by case; the
// cross-partition linker is checked against them too.
func linkCases() []linkCase {
	return []linkCase{
		{"lateral movement: the next host reached from an infected host's address", []step{
			sight("WS1.corp.example", 0, self("10.0.0.1"), dst("10.0.0.9")),
			add("worm", "WS1.corp.example", "SYSTEM", time.Minute),
			sight("WS2.corp.example", 4*time.Minute, src("10.0.0.1")), // SMB from WS1, no alert
			add("worm", "WS2.corp.example", "SYSTEM", 5*time.Minute),
			add("worm", "WS3.corp.example", "SYSTEM", 6*time.Minute),
		}, [][]int{{0, 1}, {2}}},
		{"lateral movement named by the alert's own event (a logon from WS1)", []step{
			add("r1", "WS1", "", 0),
			add("r2", "SRV1", "", time.Minute, src("ws1")),
		}, [][]int{{0, 1}}},
		{"the host a logon came from raises an alert later", []step{
			add("r1", "SRV1", "", 0, src("WS1")),
			add("r2", "WS1", "", 5*time.Minute),
		}, [][]int{{0, 1}}},
		{"an alert of the incident named this host as reached", []step{
			add("psexec", "EPR.corp.example", "CORP\\adv.support", 0, dst("PAS.corp.example")),
			add("psexec-service", "PAS.corp.example", "NT AUTHORITY\\SYSTEM", 10*time.Second),
		}, [][]int{{0, 1}}},
		{"the same real user on two hosts", []step{
			add("r1", "WS1", "CORP\\adm.rjones", 0),
			add("r2", "SRV9", "adm.rjones@corp.example", 20*time.Minute),
		}, [][]int{{0, 1}}},
		{"accounts that are no person's link nothing", []step{
			add("r1", "WS1", "NT AUTHORITY\\SYSTEM", 0), add("r2", "WS2", "SYSTEM", time.Minute),
			add("r3", "WS3", "LOCAL SERVICE", 2*time.Minute), add("r4", "WS4", "NT AUTHORITY\\LOCAL SERVICE", 3*time.Minute),
			add("r5", "WS5", "NETWORK SERVICE", 4*time.Minute), add("r6", "WS6", "network service", 5*time.Minute),
			add("r7", "WS7", "ANONYMOUS LOGON", 6*time.Minute), add("r8", "WS8", "NT AUTHORITY\\ANONYMOUS LOGON", 7*time.Minute),
			add("r9", "WS9", "WS3$", 8*time.Minute), add("r10", "WS10", "CORP\\WS3$", 9*time.Minute),
			add("r11", "WS11", "-", 10*time.Minute), add("r12", "WS12", "-", 11*time.Minute),
		}, [][]int{{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}, {11}}},
		{"two attacks that both reach the DC stay two incidents", append(infrastructure("DC01.corp.example", 12, false),
			add("r1", "WS1", "", time.Minute, dst("DC01")),
			add("r2", "WS2", "", 2*time.Minute, dst("dc01.corp.example")),
			add("dc-alert", "DC01.corp.example", "", 3*time.Minute),
		), [][]int{{0}, {1}, {2}}},
		{"naming the same host as reached is no link, even without traffic seen", []step{
			add("r1", "WS1", "", time.Minute, dst("10.0.0.53")),
			add("r2", "WS2", "", 2*time.Minute, dst("10.0.0.53")),
		}, [][]int{{0}, {1}}},
		{"a management server that reaches every host links none", append(infrastructure("SCCM01", 12, true),
			add("r1", "WS1", "", time.Minute, src("SCCM01")),
			add("r2", "WS2", "", 2*time.Minute, src("SCCM01")),
		), [][]int{{0}, {1}}},
		{"an infected host that became shared stops linking", append(infrastructure("WS1", 12, true),
			add("r1", "WS1", "", time.Minute),
			add("r2", "WS2", "", 2*time.Minute, src("WS1")),
		), [][]int{{0}, {1}}},
		{"one attacker address reaching two hosts links them", []step{
			add("r1", "SRV1", "", 0, src("185.220.101.47")),
			add("r2", "SRV2", "", time.Minute, src("::ffff:185.220.101.47")),
		}, [][]int{{0, 1}}},
		{"an artefact named by an alert and by another host's event", []step{
			add("gpo-change", "DC01", "CORP\\adm.rjones", 0, Entity{EntityArtifact, "gpo:{6AC1786C-016F-11D2-945F-00C04FB984F9}"}),
			sight("WS7", 15*time.Minute, Entity{EntityArtifact, "GPO:{6ac1786c-016f-11d2-945f-00c04fb984f9}"}),
			add("browser-theft", "WS7", "CORP\\n.patel", 15*time.Minute+3*time.Second),
		}, [][]int{{0, 1}}},
		{"links hold only within the incident window", []step{
			add("r1", "WS1", "", 0, dst("WS2")),
			add("r2", "WS2", "", 3*time.Hour),
		}, [][]int{{0}, {1}}},
		{"an alert that links two incidents merges them", []step{
			add("r1", "WS1", "", 0),
			add("r2", "WS2", "", time.Minute),
			add("r3", "WS2", "", 2*time.Minute, src("WS1")),
			add("r4", "WS1", "", 3*time.Minute),
		}, [][]int{{0, 1, 2, 3}}},
	}
}

func TestIncidentLinks(t *testing.T) {
	for _, tc := range linkCases() {
		t.Run(tc.name, func(t *testing.T) {
			incOf, _ := run(tc.steps)
			checkGroups(t, incOf, tc.groups)
		})
	}
}

func checkGroups(t *testing.T, incOf []string, groups [][]int) {
	t.Helper()
	for _, g := range groups {
		for _, i := range g {
			if incOf[i] != incOf[g[0]] {
				t.Fatalf("detections %d and %d are in different incidents: %v", g[0], i, incOf)
			}
		}
	}
	if n := len(slices.Compact(slices.Sorted(slices.Values(incOf)))); n != len(groups) {
		t.Fatalf("%d incidents, want %d: %v", n, len(groups), incOf)
	}
}

// TestIncidentMerge checks what a merge leaves: the older incident's id
// survives with both incidents' hosts and alerts; the newer records where
// it went; the alerts it had are moved and reported.
func TestIncidentMerge(t *testing.T) {
	d := NewDeduper(10*time.Minute, time.Hour)
	a1, _ := d.Add(add("r1", "WS1", "", 0).det)
	a2, i2 := d.Add(add("r2", "WS2", "", time.Minute).det)
	as, is := d.Add(add("r3", "WS2", "", 2*time.Minute, src("WS1")).det)
	older, newer := a1[0].IncidentID, i2[0].ID
	if older == newer {
		t.Fatal("the first two alerts already share an incident")
	}
	byID := map[string]*Incident{}
	for _, inc := range is {
		byID[inc.ID] = inc
	}
	survivor, merged := byID[older], byID[newer]
	if survivor == nil || merged == nil {
		t.Fatalf("the merge reported incidents %v, want %s and %s", is, older, newer)
	}
	if merged.MergedInto != older || survivor.MergedInto != "" {
		t.Fatalf("merged_into: merged %q, survivor %q; want %q and none", merged.MergedInto, survivor.MergedInto, older)
	}
	if !slices.Equal(survivor.Hosts, []string{"WS1", "WS2"}) || len(survivor.AlertIDs) != 3 || !survivor.FirstSeen.Equal(t0) {
		t.Fatalf("survivor %+v", survivor)
	}
	if len(survivor.History) != 1 || survivor.History[0].Action != "merged" || len(merged.History) != 1 {
		t.Fatalf("merge notes: survivor %+v, merged %+v", survivor.History, merged.History)
	}
	moved := false
	for _, a := range as {
		if a.ID == a2[0].ID {
			moved = a.IncidentID == older
		}
	}
	if !moved || as[0].IncidentID != older {
		t.Fatalf("alerts after the merge: %+v", as)
	}
}

// TestIncidentLinksSurviveRestore: what links an incident is stored in its
// Entities, so that a restarted Deduper links the same way.
func TestIncidentLinksSurviveRestore(t *testing.T) {
	first := []step{
		sight("WS1", 0, self("10.0.0.1")),
		add("r1", "WS1", "", time.Minute, dst("SRV1")),
	}
	d := NewDeduper(10*time.Minute, time.Hour)
	d.Observe(*first[0].sight)
	as, is := d.Add(first[1].det)
	r := NewDeduper(10*time.Minute, time.Hour)
	r.Restore(as, is)
	for _, tc := range []struct {
		name string
		det  Detection
	}{
		{"reached from an address of the incident's host", add("r2", "WS2", "", 2*time.Minute, src("10.0.0.1")).det},
		{"named by the incident as reached", add("r3", "SRV1", "", 3*time.Minute).det},
	} {
		got, _ := r.Add(tc.det)
		if got[0].IncidentID != is[0].ID {
			t.Errorf("%s: incident %s, want %s", tc.name, got[0].IncidentID, is[0].ID)
		}
	}
}

// FuzzNormEntity: normalising never panics, is idempotent, and never keeps
// a value that names nothing.
func FuzzNormEntity(f *testing.F) {
	for _, s := range []string{"10.40.3.21", "::ffff:10.0.0.1", "WARD3-PC04.trust.nhs.uk", `\\FILE-SRV02`, "-", "127.0.0.1", "::1", "", "fe80::1%eth0", "gpo:{6AC1786C-016F-11D2-945F-00C04FB984F9}"} {
		f.Add(s, uint8(EntitySource))
	}
	f.Fuzz(func(t *testing.T, v string, kind uint8) {
		e := Entity{EntityKind(kind%4 + 1), v}
		n, ok := normEntity(e, "ws1")
		if !ok {
			return
		}
		if n.Value == "" || n.Value == "-" || n.Value == "ws1" && n.Kind != EntityArtifact {
			t.Fatalf("normEntity(%+v) kept %+v", e, n)
		}
		if again, ok := normEntity(n, "ws1"); !ok || again != n {
			t.Fatalf("normEntity not idempotent: %+v -> %+v -> %+v (%v)", e, n, again, ok)
		}
	})
}

// TestGraphBounded: what Observe sees is forgotten after two incident
// windows, and no entity keeps more contacts than it takes to call it
// shared, so memory follows the rate of sightings, not history or fan-out.
func TestGraphBounded(t *testing.T) {
	for _, detections := range []bool{true, false} {
		t.Run(fmt.Sprint("detections ", detections), func(t *testing.T) { testGraphBounded(t, detections) })
	}
}

func testGraphBounded(t *testing.T, detections bool) {
	d := NewDeduper(time.Minute, 5*time.Minute)
	for i := range 20_000 {
		at := time.Duration(i) * time.Second
		d.Observe(Sighting{Host: fmt.Sprintf("WS%d", i%300), Time: t0.Add(at), Entities: []Entity{
			src(fmt.Sprintf("10.9.%d.%d", i/250%250, i%250)), dst("DC01"), {EntityArtifact, fmt.Sprintf("gpo:{%d}", i)},
		}})
		if detections && i%60 == 0 {
			d.Add(det("r1", "low", "WS1", "", at, uint64(i+1)))
		}
	}
	g := d.graph
	if n := len(g.reached["dc01"]); n != SharedEntityHosts+1 {
		t.Fatalf("the DC keeps %d contacts, want %d: enough to call it shared", n, SharedEntityHosts+1)
	}
	// Up to fifteen minutes of sightings, one a second, can be held: two
	// incident windows, and half of that between prunes.
	for name, m := range map[string]map[string]map[string]time.Time{"reached": g.reached, "reaches": g.reaches, "named": g.named, "names": g.names} {
		if len(m) > 2000 {
			t.Fatalf("%s holds %d entries after 20,000 sightings: not pruning", name, len(m))
		}
		if len(m) == 0 {
			t.Fatalf("%s is empty: pruned even the recent sightings", name)
		}
	}
}

// TestIncidentCopiesStayPut: an incident Add returned does not change as
// the Deduper goes on, and appending to it changes nothing inside.
func TestIncidentCopiesStayPut(t *testing.T) {
	d := NewDeduper(10*time.Minute, time.Hour)
	_, is := d.Add(add("r1", "WS1", "CORP\\alice", 0, dst("SRV1")).det)
	first := is[0]
	want := fmt.Sprint(first.Hosts, first.Users, first.AlertIDs, first.Entities)
	first.Hosts = append(first.Hosts, "EVIL")
	first.AlertIDs = append(first.AlertIDs, "evil")
	_, is = d.Add(add("r2", "WS2", "CORP\\alice", time.Minute, dst("SRV2")).det)
	first.Hosts, first.AlertIDs = first.Hosts[:1], first.AlertIDs[:1]
	if got := fmt.Sprint(first.Hosts, first.Users, first.AlertIDs, first.Entities); got != want {
		t.Fatalf("the first copy changed as the Deduper went on: %s, want %s", got, want)
	}
	if later := is[0]; !slices.Equal(later.Hosts, []string{"WS1", "WS2"}) || len(later.AlertIDs) != 2 || slices.Contains(later.AlertIDs, "evil") {
		t.Fatalf("a caller's append reached the Deduper: %+v", later)
	}
}
