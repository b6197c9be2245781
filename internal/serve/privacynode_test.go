package serve

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/report"
	"github.com/vigilhealth/vigil/internal/sim/care"
	"github.com/vigilhealth/vigil/internal/wal"
)

// nodePartitions is how many stream partitions the test's events are
// spread over, as a bus of that many would route them.
const nodePartitions = 8

// privacyTrust generates a small trust and returns its folder and the
// privacy section that names its files.
func privacyTrust(t *testing.T) (string, PrivacyConfig) {
	t.Helper()
	dir := t.TempDir()
	if _, err := care.Generate(care.Config{Seed: 7, Size: "test", Staff: 60, Patients: 1000, Days: 3, Start: care.DefaultStart}, dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir, trustPrivacy(dir)
}

// singleProcessCases runs the trust through the single process (role
// all) as TestLivePrivacyEqualsOffline does, and returns its analysis and
// the records of its write-ahead log: the events it took, as stored.
func singleProcessCases(t *testing.T, dir string, pc PrivacyConfig) (privacy.CasesResponse, []eventstore.Record) {
	t.Helper()
	cfg := testConfig(t)
	cfg.Privacy = pc
	ts, resp := runTrust(t, cfg, dir, offlineAudit(t, dir))
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	log, err := wal.Open(filepath.Join(cfg.Data, "wal"), wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	var recs []eventstore.Record
	err = log.Read(1, func(seq uint64, data []byte) error {
		recs = append(recs, eventstore.Record{Seq: seq, Data: bytes.Clone(data)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp, recs
}

// storePartitioned stores recs in PostgreSQL as detect nodes do: each in
// its host's partition under its sequence, in batches of a partition.
func storePartitioned(t *testing.T, es *pgstore.EventStore, recs []eventstore.Record) map[int]int {
	t.Helper()
	byPart := map[int][]eventstore.Record{}
	var ev event.Event
	for _, r := range recs {
		if err := ev.UnmarshalBinary(r.Data); err != nil {
			t.Fatalf("record %d: %v", r.Seq, err)
		}
		host := ev.Host
		if host == "" {
			host, _ = ev.Get(event.Computer)
		}
		if host == "" {
			host = ev.Source
		}
		p := bus.PartitionOf(host, nodePartitions)
		byPart[p] = append(byPart[p], r)
	}
	counts := map[int]int{}
	for p, rs := range byPart {
		for b := range slices.Chunk(rs, 256) {
			if err := es.AppendPartition(context.Background(), p, b); err != nil {
				t.Fatal(err)
			}
		}
		counts[p] = len(rs)
	}
	return counts
}

// caseIDs are the analysis's case ids, sorted.
func caseIDs(cases []privacy.Case) []string {
	var out []string
	for _, c := range cases {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

// apiNode starts an API node over the schema's DSN, analysing or not.
func apiNode(t *testing.T, dsn string, pc PrivacyConfig, analyse bool, name string) *testService {
	t.Helper()
	cfg := testConfig(t)
	cfg.Role, cfg.Node = RoleAPI, name
	cfg.Store.Postgres = PostgresConfig{DSN: dsn, MaxConns: 4}
	cfg.Privacy = pc
	cfg.Privacy.Analyse = analyse
	return startService(t, cfg)
}

// TestPrivacyNodeMatchesSingleProcess: the events the single process
// took, stored in PostgreSQL across partitions as detect nodes store
// them (part before the API node starts, the rest after), give the
// analysing API node the single process's cases (ids, users, patients,
// kinds); it saves them under its name, serves the whole privacy console
// from them with the decisions in PostgreSQL, and an API node without the
// flag serves the saved analysis naming it.
func TestPrivacyNodeMatchesSingleProcess(t *testing.T) {
	dir, pc := privacyTrust(t)
	want, recs := singleProcessCases(t, dir, pc)
	if len(want.Cases) == 0 {
		t.Fatal("the single process raised no case: the trust is too small to compare")
	}
	key := t.TempDir()
	dsn := pgtest.SchemaDSN(t, key)
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 2})
	es := db.Events(eventstore.Options{})
	cut := len(recs) * 2 / 3
	parts := storePartitioned(t, es, recs[:cut])
	if len(parts) < 2 {
		t.Fatalf("the events went to %d partitions; the test needs several", len(parts))
	}
	t.Logf("%d events, %d stored before the start over partitions %v; the single process raised %d cases",
		len(recs), cut, parts, len(want.Cases))

	a := apiNode(t, dsn, pc, true, "privacy-1")
	b := apiNode(t, dsn, pc, false, "api-2")
	var partial privacy.CasesResponse
	waitFor(t, "the analysing node's analysis of the events stored before it started", func() bool {
		partial = privacy.CasesResponse{}
		a.do(t, "GET", "/api/v1/privacy/cases?limit=100000", testToken, nil, &partial)
		return partial.Analysed && partial.Summary != nil && partial.Summary.Accesses+partial.Summary.ADTMessages > 0
	})
	if sameInputs(partial.Summary, want.Summary) {
		t.Fatal("the first two thirds of the events gave every input")
	}
	storePartitioned(t, es, recs[cut:]) // after the start: followed without a restart

	var got privacy.CasesResponse
	waitFor(t, "the analysing node's analysis of every stored event", func() bool {
		got = privacy.CasesResponse{}
		a.do(t, "GET", "/api/v1/privacy/cases?limit=100000", testToken, nil, &got)
		return got.Analysed && sameInputs(got.Summary, want.Summary)
	})
	if g, w := caseIDs(got.Cases), caseIDs(want.Cases); !slices.Equal(g, w) {
		t.Errorf("case ids on the API node %v, single process %v", g, w)
	}
	checkSameCases(t, "single-process", want.Cases, want.Summary, "API node", got.Cases, got.Summary)

	var saved *privacy.SavedCases
	waitFor(t, "the full analysis saved to PostgreSQL", func() bool {
		sc, err := db.PrivacyCases().LoadCases(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		saved = sc
		return sameInputs(&sc.Summary, want.Summary)
	})
	if saved.SavedBy != "privacy-1" || !slices.Equal(caseIDs(saved.Cases), caseIDs(want.Cases)) {
		t.Errorf("saved by %q with cases %v; want privacy-1 with %v", saved.SavedBy, caseIDs(saved.Cases), caseIDs(want.Cases))
	}
	checkAnalysingPages(t, a, b, want.Cases[0])
	checkPatientReportShared(t, b)
}

// checkPatientReportShared: the report downloaded on the analysing node
// (checkAnalysingPages) is in the shared record, and the board pack of
// the other API node counts it instead of noting the count as missing.
func checkPatientReportShared(t *testing.T, b *testService) {
	t.Helper()
	p, err := report.ParsePeriod("last-7-days")
	if err != nil {
		t.Fatal(err)
	}
	f, err := b.svc.gatherReport(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if f.PatientReports == nil || f.PatientReports.Reports != 1 || f.PatientReports.Patients != 1 || f.PatientReports.ByFormat["csv"] != 1 {
		t.Errorf("the other API node's pack counts %+v patient reports; want the one CSV downloaded on the analysing node", f.PatientReports)
	}
	for _, m := range f.Missing["privacy"] {
		if strings.Contains(m, "patient access reports") {
			t.Errorf("the pack still notes: %s", m)
		}
	}
}

// checkAnalysingPages: the analysing node a serves the case, patient and
// report pages and records an outcome in PostgreSQL; b, without the flag,
// serves the saved cases naming a and counts the decision.
func checkAnalysingPages(t *testing.T, a, b *testService, c privacy.Case) {
	t.Helper()
	pat := c.PatientID
	if pat == "" && len(c.Patients) > 0 {
		pat = c.Patients[0]
	}
	for _, route := range []string{"/privacy", "/privacy/cases/" + url.PathEscape(c.ID), "/privacy/patients/" + pat,
		"/privacy/patients/" + pat + "/report/csv"} {
		if code, _, body := a.page(t, "GET", route, testToken); code != http.StatusOK || strings.Contains(body, "shown by the node that runs") {
			t.Errorf("GET %s on the analysing node: %d\n%.300s", route, code, body)
		}
	}
	if _, _, body := a.page(t, "GET", "/privacy", testToken); !strings.Contains(body, "The analysis last caught up with the events the detect nodes store at") {
		t.Errorf("the analysing node's privacy page does not say when it caught up:\n%.600s", body)
	}
	form := []byte(url.Values{"outcome": {string(privacy.OutcomeAppropriate)}, "note": {"ward round"}}.Encode())
	resp := a.request(t, "POST", "/privacy/cases/"+url.PathEscape(c.ID), testToken, "application/x-www-form-urlencoded", form)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("POST an outcome on the analysing node: %d", resp.StatusCode)
	}
	var cases struct {
		SavedBy string `json:"saved_by"`
		Cases   []privacy.Case
	}
	b.do(t, "GET", "/api/v1/privacy/cases?limit=100000", testToken, nil, &cases)
	if cases.SavedBy != "privacy-1" || len(cases.Cases) == 0 {
		t.Errorf("the other API node serves %d cases saved by %q; want privacy-1's", len(cases.Cases), cases.SavedBy)
	}
	checks := []struct{ route, want string }{
		{"/privacy", "by privacy-1:"},
		{"/privacy", "1 decisions recorded"},
		{"/privacy/cases/" + url.PathEscape(c.ID), "shown by the node that runs the live analysis, privacy-1"},
	}
	for _, ch := range checks {
		if code, _, body := b.page(t, "GET", ch.route, testToken); code != http.StatusOK || !strings.Contains(body, ch.want) {
			t.Errorf("GET %s on the other API node: %d, want %q:\n%.600s", ch.route, code, ch.want, body)
		}
	}
}

// TestPrivacyAnalyseConfig: privacy.analyse is refused, naming the key
// and why, outside role api, without the shared database or without its
// events; with them an unnamed node takes the host's name.
func TestPrivacyAnalyseConfig(t *testing.T) {
	off := false
	tests := []struct {
		name string
		set  func(c *Config)
		want string // "" for valid
	}{
		{"role all", func(c *Config) {}, "config key privacy.analyse: valid only with role api, not all"},
		{"role detect", func(c *Config) {
			c.Role, c.Store.Postgres.DSN = RoleDetect, "host=/tmp"
			c.Bus.NATS = &bus.Config{URLs: []string{"nats://127.0.0.1:4222"}}
		}, "config key privacy.analyse: valid only with role api, not detect"},
		{"no database", func(c *Config) { c.Role = RoleAPI }, "config key privacy.analyse: needs store.postgres.dsn"},
		{"events out of PostgreSQL", func(c *Config) {
			c.Role, c.Store.Postgres.DSN, c.Store.Postgres.Events = RoleAPI, "host=/tmp", &off
		}, "config key privacy.analyse: needs the events the detect nodes store in PostgreSQL, but store.postgres.events is false"},
		{"api node with the database", func(c *Config) { c.Role, c.Store.Postgres.DSN = RoleAPI, "host=/tmp" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Privacy.Analyse = true
			tc.set(&cfg)
			err := cfg.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == "" && cfg.Node == "":
				t.Fatal("no node name was given to save the cases under")
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	t.Run("variable", func(t *testing.T) {
		cfg := DefaultConfig()
		if err := cfg.ApplyEnv(func(k string) string { return map[string]string{"VIGIL_PRIVACY_ANALYSE": "true"}[k] }); err != nil || !cfg.Privacy.Analyse {
			t.Fatalf("VIGIL_PRIVACY_ANALYSE=true: analyse %v, %v", cfg.Privacy.Analyse, err)
		}
		if err := cfg.ApplyEnv(func(k string) string { return map[string]string{"VIGIL_PRIVACY_ANALYSE": "perhaps"}[k] }); err == nil ||
			!strings.Contains(err.Error(), "VIGIL_PRIVACY_ANALYSE") {
			t.Fatalf("VIGIL_PRIVACY_ANALYSE=perhaps: %v, want an error naming it", err)
		}
	})
}
