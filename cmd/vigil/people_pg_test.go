package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/serve"
)

// TestPeopleImportPostgres: import and pulse-link with --postgres work on
// the shared database the API nodes read, all or nothing as into a data
// folder.
func TestPeopleImportPostgres(t *testing.T) {
	t.Setenv("VIGIL_STORE_POSTGRES_DSN", "")
	key := t.TempDir()
	dsn := pgtest.SchemaDSN(t, key)
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	staff, training, badTraining := peopleInputs(t)
	steps := []struct {
		name     string
		args     []string
		wantCode int
		want     string // in standard output, or standard error when the exit is not 0
		gen      uint64 // the import generation after the step
	}{
		{"staff and training", []string{"--postgres", dsn, "--staff", staff, "--training", training}, 0, "the shared database now holds 2 staff, 1 training records", 1},
		{"a malformed file imports nothing", []string{"--postgres", dsn, "--training", badTraining}, 1, "bad.csv:3: completed", 1},
		{"the variable as the default", []string{"--staff", staff}, 0, "(import 2)", 2},
	}
	for _, st := range steps {
		if st.name == "the variable as the default" {
			t.Setenv("VIGIL_STORE_POSTGRES_DSN", dsn)
		}
		code, stdout, stderr := runVigil(t, append([]string{"people", "import"}, st.args...)...)
		out := stdout
		if code != 0 {
			out = stderr
		}
		if code != st.wantCode || !strings.Contains(out, st.want) {
			t.Fatalf("%s: exit %d\nstdout %s\nstderr %s", st.name, code, stdout, stderr)
		}
		im, err := db.People().LoadImported(context.Background())
		if err != nil || len(im.Staff) != 2 || len(im.Training) != 1 || im.Generation != st.gen {
			t.Fatalf("%s: the database holds %d staff, %d records, generation %d (%v); want 2, 1, %d", st.name, len(im.Staff), len(im.Training), im.Generation, err, st.gen)
		}
	}
	code, stdout, stderr := runVigil(t, "people", "pulse-link", "--round", "2026-Q1")
	st, err := people.NewStore(db.People())
	if err != nil {
		t.Fatal(err)
	}
	if want := "/pulse/2026-Q1?t=" + st.PulseLink("2026-Q1") + "\n"; code != 0 || stdout != want {
		t.Fatalf("pulse-link --postgres: exit %d, %q (%s), want %q: the API nodes' link", code, stdout, stderr, want)
	}
}

// TestAPINodeTakesInImport: an API node that is running takes in an
// import made with vigil people import --postgres within people.reload:
// the pulse form offers the new staff group and takes its answers, where
// before the import the pulse was not open.
func TestAPINodeTakesInImport(t *testing.T) {
	t.Setenv("VIGIL_STORE_POSTGRES_DSN", "")
	dsn := pgtest.SchemaDSN(t, t.TempDir())
	cfg := serve.DefaultConfig()
	cfg.Role, cfg.Data, cfg.HTTP, cfg.AdminToken = serve.RoleAPI, t.TempDir(), "127.0.0.1:0", "api-node-test-token"
	cfg.Store.Postgres = serve.PostgresConfig{DSN: dsn, MaxConns: 2}
	cfg.People.PulseRounds, cfg.People.Reload = []string{"2026-Q1"}, 50*time.Millisecond
	svc, err := serve.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("start an API node: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("API node: %v", err)
		}
	})
	code, link, stderr := runVigil(t, "people", "pulse-link", "--postgres", dsn, "--round", "2026-Q1")
	if code != 0 {
		t.Fatalf("pulse-link: %s", stderr)
	}
	form := "http://" + svc.Addr().String() + strings.TrimSpace(link)
	token := form[strings.Index(form, "?t=")+3:]
	answer := url.Values{"t": {token}, "staff_group": {"Nursing"}, "site": {"North"}, "role": {"agree"}}
	if code, body := postForm(t, form, answer); code != http.StatusServiceUnavailable {
		t.Fatalf("an answer before any import: %d %s, want 503", code, body)
	}

	staff, _, _ := peopleInputs(t)
	if code, _, stderr := runVigil(t, "people", "import", "--postgres", dsn, "--staff", staff); code != 0 {
		t.Fatalf("import --postgres: %s", stderr)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(getBody(t, form), "<option>Nursing</option>") {
		if time.Now().After(deadline) {
			t.Fatal("the API node did not take the import in within 20s (people.reload is 50ms)")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, body := postForm(t, form, answer); code != http.StatusOK || !strings.Contains(body, "your answers are counted") {
		t.Fatalf("an answer after the import: %d %s", code, body)
	}
}

func getBody(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	_, body := answered(t, resp, err)
	return body
}

func postForm(t *testing.T, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(strings.Split(u, "?")[0], form)
	return answered(t, resp, err)
}

// answered returns a response's status and body, failing the test when
// there is none.
func answered(t *testing.T, resp *http.Response, err error) (int, string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
