package scaletest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/authtest"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/serve"
)

// TestIngestNodesShareTokens: a log shipper's token created once in the
// shared database (as vigil token create --postgres does) is accepted by
// every ingest node, and once revoked is refused by all of them.
func TestIngestNodesShareTokens(t *testing.T) {
	d := newDeployment(t)
	a, b := d.startNode(serve.RoleIngest), d.startNode(serve.RoleIngest)
	tokens := d.db(t).Tokens()
	secret, _, err := tokens.Create(auth.RoleIngest, "shipper")
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(`{"@timestamp":"2025-03-01T09:00:00Z","Computer":"WS01","EventID":4624}` + "\n")
	for _, n := range []*node{a, b} {
		if code, body := post(t, n.base+"/api/v1/events", secret, line); code != http.StatusOK {
			t.Errorf("a token created once, on ingest node %s: %d %s, want 200", n.base, code, body)
		}
	}
	if _, err := tokens.Revoke("shipper"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{a, b} {
		if code, body := post(t, n.base+"/api/v1/events", secret, line); code != http.StatusUnauthorized {
			t.Errorf("the revoked token, on ingest node %s: %d %s, want 401", n.base, code, body)
		}
	}
}

// TestLoginLimitShared: wrong passwords spread over two API nodes hit the
// limit as they would on one: after auth.DefaultLoginFailures of them,
// both nodes refuse the account, even with the right password.
func TestLoginLimitShared(t *testing.T) {
	key := t.TempDir()
	d := &deployment{t: t, dsn: pgtest.SchemaDSN(t, key)}
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	if err := db.Users(authtest.CheapArgon2).Add("sam", auth.RoleAnalyst, "three random words", false); err != nil {
		t.Fatal(err)
	}
	nodes := []*node{d.startNode(serve.RoleAPI), d.startNode(serve.RoleAPI)}
	for i := range auth.DefaultLoginFailures {
		n := nodes[i%2]
		if code := loginAs(t, n.base, "sam", "wrong words entirely"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d on %s: %d, want 401", i+1, n.base, code)
		}
	}
	for _, n := range nodes {
		if code := loginAs(t, n.base, "sam", "three random words"); code != http.StatusTooManyRequests {
			t.Errorf("the right password after %d failures over two nodes, on %s: %d, want 429", auth.DefaultLoginFailures, n.base, code)
		}
	}
}

// loginAs posts a login for name to base and returns the status.
func loginAs(t *testing.T, base, name, password string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"name": name, "password": password})
	resp, err := http.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// post sends body to url with a bearer token and returns the status and
// the answer.
func post(t *testing.T, url, bearer string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEventsOutOfPostgres: with store.postgres.events false the detect
// nodes raise the alerts but store no event, and an API node answers
// event search with 501 saying why, while its other figures are served.
func TestEventsOutOfPostgres(t *testing.T) {
	d := newDeployment(t)
	d.noEvents = true
	in, api := d.startNode(serve.RoleIngest), d.startNode(serve.RoleAPI)
	det := d.startDetect("det-1")
	accepted := 0
	for _, b := range batches(t)[:4] {
		accepted += send(t, in.base, b)
	}
	waitFor(t, 2*time.Minute, "the detect node to process every accepted event", func() bool {
		return metric(t, det.base, "vigil_bus_processed_total") == float64(accepted)
	})
	es, err := d.db(t).Events(eventstore.Options{}).Stats(context.Background())
	if err != nil || es.Events != 0 {
		t.Errorf("events in PostgreSQL with store.postgres.events false: %d (%v), want none", es.Events, err)
	}
	checks := []struct {
		route string
		code  int
		want  string
	}{
		{"/api/v1/events?q=logon", http.StatusNotImplemented, "store.postgres.events: false"},
		{"/search?q=logon", http.StatusNotImplemented, "store.postgres.events: false"},
		{"/api/v1/stats", http.StatusOK, `"events_stored":0`},
		{"/api/v1/alerts", http.StatusOK, `"alerts":[{`},
	}
	for _, c := range checks {
		if code, body := call(t, api.base, "GET", c.route, token, nil, "", nil); code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("GET %s on the API node: %d, want %d with %q:\n%.300s", c.route, code, c.code, c.want, body)
		}
	}
}

// metric reads one unlabelled sample of base's /metrics; -1 when absent.
func metric(t *testing.T, base, name string) float64 {
	t.Helper()
	_, body := call(t, base, "GET", "/metrics", "", nil, "", nil)
	for line := range strings.SplitSeq(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}
