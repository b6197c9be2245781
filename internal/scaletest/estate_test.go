package scaletest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/serve"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// hostOn returns a host name made from pattern whose partition node
// holds.
func hostOn(t *testing.T, held map[int]string, node, pattern string) string {
	t.Helper()
	for i := range 1000 {
		name := fmt.Sprintf(pattern, i)
		if held[bus.PartitionOf(name, partitions)] == node {
			return name
		}
	}
	t.Fatalf("no host name %q in a partition of %s (holders %v)", pattern, node, held)
	return ""
}

// TestDetectNodesLearnAssets: two detect nodes each learn the host whose
// partitions they hold (a Windows 7 workstation on one, a Windows Server
// 2012 R2 domain controller on the other) and save it under their own
// name; the first to stop keeps what it saved after it left, the
// second's save does not replace it, and an API node lists both, merged
// with estate.assets, with the end-of-life the shared feed gives.
func TestDetectNodesLearnAssets(t *testing.T) {
	d := newDeployment(t)
	det1, det2 := d.startDetect("det-1"), d.startDetect("det-2")
	d.waitForShares(t)
	held := d.holders(t)
	ward := hostOn(t, held, "det-1", "WARD7-PC%02d.trust.nhs.uk")
	dc := hostOn(t, held, "det-2", "DC%02d.trust.nhs.uk")
	d.estate = serve.EstateConfig{EOL: sharedtest.Path(t, "endoflife", "products"),
		KEV: sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json"), Assets: filepath.Join(t.TempDir(), "assets.csv")}
	csv := "name,vendor,product,version,owner\n" + strings.ToLower(strings.Split(ward, ".")[0]) + ",Dell,OptiPlex 7010,,Ward 7\n"
	if err := os.WriteFile(d.estate.Assets, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	in, api := d.startNode(serve.RoleIngest), d.startNode(serve.RoleAPI)
	var body strings.Builder
	seen := time.Now().UTC().Add(-time.Hour).Truncate(time.Minute) // recent: hosts last seen before estate.learned_max_age age out
	for i := range 3 {
		at := seen.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		fmt.Fprintf(&body, `{"@timestamp":%q,"Computer":%q,"EventID":4624,"host.os.name":"Windows 7 Professional","host.os.kernel":"6.1.7601"}`+"\n", at, ward)
		fmt.Fprintf(&body, `{"@timestamp":%q,"Computer":%q,"EventID":4769,"host.os.name":"Windows Server 2012 R2 Standard","host.os.kernel":"6.3.9600"}`+"\n", at, dc)
	}
	if n := send(t, in.base, []byte(body.String())); n != 6 {
		t.Fatalf("the ingest node accepted %d of 6 events", n)
	}
	for _, det := range []*child{det1, det2} {
		waitFor(t, time.Minute, det.name+" to learn from its 3 events", func() bool {
			return metric(t, det.base, "vigil_estate_observed_total") == 3
		})
	}

	det1.stop(t) // saves WARD7 under det-1 as it leaves
	wantAssets(t, api.base, "after det-1 left", map[string]string{ward: "2020-01-14"}, dc)
	det2.stop(t) // saves DC under det-2, leaving det-1's
	got := wantAssets(t, api.base, "after det-2 stopped", map[string]string{ward: "2020-01-14", dc: "2023-10-10"}, "")
	if r := got[ward]; r.Owner != "Ward 7" || r.Vendor != "Dell" || r.OSVersion != "6.1.7601" {
		t.Errorf("%s, imported and learned, is listed as %+v; want one asset owned by Ward 7, a Dell, at 6.1.7601", ward, r)
	}
}

// wantAssets checks that base lists each asset of want, out of support
// since its date, and does not list absent; it returns the assets listed
// by name.
func wantAssets(t *testing.T, base, when string, want map[string]string, absent string) map[string]estate.Row {
	t.Helper()
	var ans serve.AssetsAnswer
	get(t, base, "/api/v1/assets", &ans)
	if !ans.EOLLoaded {
		t.Errorf("%s: the API node did not load the end-of-life feed", when)
	}
	found := map[string]estate.Row{}
	for _, r := range ans.Assets {
		found[r.Name] = r
		if r.Name == absent {
			t.Errorf("%s: %s is listed before its node saved it", when, absent)
		}
		date, ok := want[r.Name]
		if !ok {
			continue
		}
		if !r.EOL || r.EOLDate == nil || *r.EOLDate != date {
			t.Errorf("%s: %s (%s %s): end of life %v %v, want since %s", when, r.Name, r.OS, r.OSVersion, r.EOL, r.EOLDate, date)
		}
	}
	for name := range want {
		if _, ok := found[name]; !ok {
			t.Errorf("%s: %s is not listed (%d assets)", when, name, len(ans.Assets))
		}
	}
	return found
}
