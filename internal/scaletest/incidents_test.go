package scaletest

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/serve"
)

// TestIncidentsLinkedAcrossPartitions: the demo trust's attacks move
// between hosts of different partitions, detected by two detect nodes;
// once their linker has run, the incidents group the alerts (the sets of
// alert ids of each incident not merged) as the embedded process does.
func TestIncidentsLinkedAcrossPartitions(t *testing.T) {
	d := newDeployment(t)
	_, accepted := reference(t, d)
	ingest := d.startNode(serve.RoleIngest)
	api := d.startNode(serve.RoleAPI)
	det := []*child{d.startDetect("det-1"), d.startDetect("det-2")}
	d.waitForShares(t)
	got := 0
	for _, b := range batches(t) {
		got += send(t, ingest.base, b)
	}
	if got != accepted {
		t.Fatalf("the ingest node accepted %d events, the embedded service %d", got, accepted)
	}
	var groups string
	waitFor(t, settle, "the detect nodes' incidents to group the alerts as the embedded service's", func() bool {
		groups = incidentGrouping(t, api.base)
		return groups == d.groups
	})
	spread := 0
	for _, inc := range incidents(t, api.base) {
		if inc.MergedInto == "" && len(partitionsOf(inc.Hosts)) > 1 {
			spread++
		}
	}
	if spread == 0 {
		t.Errorf("no incident has hosts in more than one partition: the test shows nothing\n%s", groups)
	}
	linked := 0.0
	for _, c := range det {
		linked += metric(t, c.base, "vigil_incidents_linked_total")
	}
	if linked < 1 {
		t.Errorf("the detect nodes merged %v incidents across partitions, want some", linked)
	}
}

// incidentGrouping renders the alerts of the API at base grouped by
// their incident: one sorted line of alert ids per incident.
func incidentGrouping(t *testing.T, base string) string {
	t.Helper()
	var ans struct {
		Alerts []*alert.Alert `json:"alerts"`
	}
	get(t, base, "/api/v1/alerts?limit=10000", &ans)
	by := map[string][]string{}
	for _, a := range ans.Alerts {
		by[a.IncidentID] = append(by[a.IncidentID], a.ID)
	}
	var lines []string
	for _, ids := range by {
		slices.Sort(ids)
		lines = append(lines, strings.Join(ids, " "))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// incidents are the incidents of the API at base.
func incidents(t *testing.T, base string) []*alert.Incident {
	t.Helper()
	var ans struct {
		Incidents []*alert.Incident `json:"incidents"`
	}
	get(t, base, "/api/v1/incidents?limit=10000", &ans)
	return ans.Incidents
}

// partitionsOf lists the partitions of hosts.
func partitionsOf(hosts []string) []int {
	var out []int
	for _, h := range hosts {
		if p := bus.PartitionOf(h, partitions); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
