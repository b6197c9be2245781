package alert

import (
	"slices"
	"testing"
	"time"
)

// runApart plays steps with one Deduper per host (each host its own
// partition, the hardest split), recording links, then links their
// incidents with LinkIncidents, and returns for each detection the
// incident its alert ends up in.
func runApart(steps []step) []string {
	ds := map[string]*Deduper{}
	deduper := func(host string) *Deduper {
		h := shortHost(host)
		if ds[h] == nil {
			ds[h] = NewDeduper(10*time.Minute, time.Hour)
			ds[h].KeepLinks()
		}
		return ds[h]
	}
	var ids []string
	alerts, incs := map[string]*Alert{}, map[string]*Incident{}
	for _, s := range steps {
		if s.sight != nil {
			deduper(s.sight.Host).Observe(*s.sight)
			continue
		}
		as, is := deduper(s.det.Host).Add(s.det)
		ids = append(ids, as[0].ID)
		for _, a := range as {
			alerts[a.ID] = a
		}
		for _, i := range is {
			incs[i.ID] = i
		}
	}
	kept := map[string]string{}
	for _, g := range LinkIncidents(mapValues(incs), time.Hour, nil) {
		for _, id := range g[1:] {
			kept[id] = g[0]
		}
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		inc := alerts[id].IncidentID
		if k := kept[inc]; k != "" {
			inc = k
		}
		out[i] = inc
	}
	return out
}

func mapValues[K comparable, V any](m map[K]V) []V {
	var out []V
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// apartDiffers are the cases where Dedupers of separate hosts and the
// linker group otherwise than one Deduper, and why.
var apartDiffers = map[string]struct {
	why    string
	groups [][]int
}{
	"two attacks that both reach the DC stay two incidents":  {sharedApart, [][]int{{0, 1, 2}}},
	"a management server that reaches every host links none": {sharedApart, [][]int{{0, 1}}},
	"an infected host that became shared stops linking":      {sharedApart, [][]int{{0, 1}}},
}

// sharedApart is why infrastructure links across partitions: the
// sightings that make a host shared are events of the many hosts that
// reach it (or that it reaches), each in its own partition here, so no
// Deduper sees the host as shared, and the linker counts only the hosts
// of incidents.
const sharedApart = "the sightings that make the host shared are spread over partitions"

// TestLinkAcrossPartitions: the Deduper's linking cases, each host in a
// partition of its own, group as one Deduper groups them once the
// linker has run.
func TestLinkAcrossPartitions(t *testing.T) {
	for _, tc := range linkCases() {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.groups
			if d, ok := apartDiffers[tc.name]; ok {
				t.Logf("differs from one Deduper: %s", d.why)
				want = d.groups
			}
			checkGroups(t, runApart(tc.steps), want)
		})
	}
}

// TestKeepLinksChangesNoGrouping: recording links changes which incident
// each alert ends up in in no case, and records some.
func TestKeepLinksChangesNoGrouping(t *testing.T) {
	links := 0
	for _, tc := range linkCases() {
		plain, _ := run(tc.steps)
		d := NewDeduper(10*time.Minute, time.Hour)
		d.KeepLinks()
		kept, incs := runOn(d, tc.steps)
		if !slices.Equal(plain, kept) {
			t.Errorf("%s: incidents %v with links kept, %v without", tc.name, kept, plain)
		}
		for _, inc := range incs {
			links += len(inc.Links)
		}
	}
	if links == 0 {
		t.Error("no incident recorded a link")
	}
}
