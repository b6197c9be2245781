package serve

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func estateConfig(t *testing.T) Config {
	cfg := testConfig(t)
	cfg.Estate.KEV = sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json")
	cfg.Estate.EOL = sharedtest.Path(t, "endoflife", "products")
	cfg.Estate.Assets = filepath.Join(t.TempDir(), "assets.csv")
	csv := "name,vendor,product,version\nexch01,Microsoft,Exchange Server,2016\n"
	if err := os.WriteFile(cfg.Estate.Assets, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestAssetsFromEventsAndFeeds: an imported asset and a host learned from
// an event both come back checked against the shared feeds, and the
// learned host is kept in the data folder when the service stops.
func TestAssetsFromEventsAndFeeds(t *testing.T) {
	cfg := estateConfig(t)
	ts := startService(t, cfg)
	board := roleTokens(t, cfg.Data)[auth.RoleBoard]
	ts.post(t, []byte(`{"Computer":"WARD9-PC.trust.example","EventID":4624,"host.os.name":"Windows 7 Professional","host.os.kernel":"6.1.7601"}`+"\n"))
	var ans AssetsAnswer
	find := func(name string) *estate.Row {
		i := slices.IndexFunc(ans.Assets, func(r estate.Row) bool { return strings.EqualFold(r.Name, name) })
		if i < 0 {
			return nil
		}
		return &ans.Assets[i]
	}
	waitFor(t, "the host learned from the event", func() bool {
		if code := ts.do(t, "GET", "/api/v1/assets", board, nil, &ans); code != 200 {
			t.Fatalf("GET assets: %d", code)
		}
		return find("WARD9-PC.trust.example") != nil
	})
	if !ans.KEVLoaded || !ans.EOLLoaded || ans.Observed < 1 {
		t.Errorf("answer %+v", ans)
	}
	cases := []struct {
		name, eolDate, cve string
	}{
		{"WARD9-PC.trust.example", "2020-01-14", "CVE-2017-0144"},
		{"exch01", "2025-10-14", "CVE-2021-26855"},
	}
	for _, c := range cases {
		r := find(c.name)
		if r == nil || !r.EOL || r.EOLDate == nil || *r.EOLDate != c.eolDate || !slices.Contains(r.KEV, c.cve) || !r.Ransomware {
			t.Errorf("%s: %+v", c.name, r)
		}
	}
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	learned, ok, err := estate.LoadLearned(cfg.Data)
	if err != nil || !ok || len(learned) != 1 || learned[0].OSVersion != "6.1.7601" {
		t.Errorf("learned assets kept: %v %v %+v", ok, err, learned)
	}
}

func TestEstateConfigMustLoad(t *testing.T) {
	for _, c := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.Estate.KEV = filepath.Join(t.TempDir(), "none.json") }, "estate.kev"},
		{func(c *Config) { c.Estate.EOL = t.TempDir() + "/none" }, "estate.eol"},
		{func(c *Config) { c.Estate.Assets = filepath.Join(t.TempDir(), "none.csv") }, "estate.assets"},
	} {
		cfg := testConfig(t)
		c.set(&cfg)
		if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one naming %s", err, c.want)
		}
	}
}
