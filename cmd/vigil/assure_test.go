package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/report"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// listedEvidence runs evidence list --format jsonl over data.
func listedEvidence(t *testing.T, args ...string) []assure.Evidence {
	t.Helper()
	code, stdout, stderr := runVigil(t, append([]string{"assure", "evidence", "list", "--format", "jsonl"}, args...)...)
	if code != 0 {
		t.Fatalf("evidence list: exit %d: %s", code, stderr)
	}
	var out []assure.Evidence
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var e assure.Evidence
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("evidence list line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

// TestManualEvidence records evidence by hand with an attachment, corrects
// it, refuses bad input naming the flag, and finds it in the board pack's
// CAF assessment.
func TestManualEvidence(t *testing.T) {
	t.Setenv("VIGIL_STORE_POSTGRES_DSN", "")
	data := t.TempDir()
	caf := sharedtest.Path(t, "caf", "caf-v3.2.yaml")
	policy := filepath.Join(t.TempDir(), "incident-response-plan.pdf")
	os.WriteFile(policy, []byte("%PDF-1.4 the plan, signed off"), 0o600)
	add := []string{"assure", "evidence", "add", "--data", data, "--caf", caf, "--id", "irp-2026",
		"--indicators", "D1.a.1", "--summary", "Incident response plan approved by the board", "--owner", "Head of IT",
		"--date", "2026-10-01", "--expires", "2027-10-01", "--attachment", policy}
	code, stdout, stderr := runVigil(t, add...)
	if code != 0 || !strings.Contains(stdout, "recorded evidence irp-2026 on D1.a.1") {
		t.Fatalf("evidence add: exit %d\n%s%s", code, stdout, stderr)
	}
	got := listedEvidence(t, "--data", data)
	if len(got) != 1 || got[0].Owner != "Head of IT" || !got[0].Holds || got[0].Source != "manual" ||
		got[0].Collected.Format(time.DateOnly) != "2026-10-01" || got[0].Expires.Format(time.DateOnly) != "2027-10-01" {
		t.Fatalf("listed %+v", got)
	}
	rel, _, _ := strings.Cut(got[0].Attachment, " ")
	if b, err := os.ReadFile(filepath.Join(data, rel)); err != nil || string(b) != "%PDF-1.4 the plan, signed off" {
		t.Fatalf("attachment %q in the data folder: %q, %v", got[0].Attachment, b, err)
	}

	// A correction under the same id replaces the item.
	code, _, stderr = runVigil(t, "assure", "evidence", "add", "--data", data, "--id", "irp-2026", "--indicators", "D1.a.1",
		"--holds=false", "--summary", "Plan out of date", "--owner", "Head of IT", "--attachment", "https://intranet.example.nhs.uk/doc/42")
	if got = listedEvidence(t, "--data", data); code != 0 || len(got) != 1 || got[0].Holds || got[0].Attachment != "https://intranet.example.nhs.uk/doc/42" {
		t.Fatalf("correction: exit %d %s; listed %+v", code, stderr, got)
	}

	refused := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no owner", []string{"--indicators", "D1.a.1", "--summary", "x"}, 2, "--owner"},
		{"no indicator", []string{"--owner", "o", "--summary", "x"}, 2, "--indicators"},
		{"bad date", []string{"--indicators", "D1.a.1", "--owner", "o", "--summary", "x", "--date", "1/10/2026"}, 2, `invalid value "1/10/2026" for flag -date: want a date YYYY-MM-DD`},
		{"bad expiry", []string{"--indicators", "D1.a.1", "--owner", "o", "--summary", "x", "--expires", "2027-13-01"}, 2, `for flag -expires: want a date YYYY-MM-DD`},
		{"expires first", []string{"--indicators", "D1.a.1", "--owner", "o", "--summary", "x", "--date", "2026-10-01", "--expires", "2026-09-01"}, 2, "--expires 2026-09-01 is not after the evidence's date 2026-10-01"},
		{"unknown statement", []string{"--indicators", "D1.a.1,X9.z.1", "--owner", "o", "--summary", "x", "--caf", caf}, 1, "no indicator X9.z.1"},
	}
	for _, tc := range refused {
		code, _, stderr := runVigil(t, append([]string{"assure", "evidence", "add", "--data", data}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, stderr, tc.code, tc.want)
		}
	}
	if got = listedEvidence(t, "--data", data); len(got) != 1 {
		t.Fatalf("after refused additions %d items, want 1", len(got))
	}

	f, err := report.Gather(context.Background(), report.Options{Data: data, CAF: caf, Period: report.Period{
		Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range f.Evidence {
		found = found || (e.ID == "irp-2026" && !e.Holds)
	}
	if !found {
		t.Errorf("the board pack's evidence lacks the recorded item: %+v", f.Evidence)
	}
}

// TestManualEvidencePostgres records evidence in the shared database the
// API nodes' board pack reads; a local file cannot go there.
func TestManualEvidencePostgres(t *testing.T) {
	t.Setenv("VIGIL_STORE_POSTGRES_DSN", "")
	key := t.TempDir()
	dsn := pgtest.SchemaDSN(t, key)
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	local := filepath.Join(t.TempDir(), "minutes.docx")
	os.WriteFile(local, []byte("minutes"), 0o600)
	base := []string{"assure", "evidence", "add", "--postgres", dsn, "--indicators", "A1.a.1", "--summary", "Board discussed cyber risk", "--owner", "Trust secretary"}
	if code, _, stderr := runVigil(t, append(base, "--attachment", local)...); code != 2 || !strings.Contains(stderr, "keeps no files") {
		t.Fatalf("a local attachment into the shared database: exit %d, %q", code, stderr)
	}
	if code, stdout, stderr := runVigil(t, append(base, "--attachment", "DOC-2026-117")...); code != 0 || !strings.Contains(stdout, "in the shared database") {
		t.Fatalf("evidence add --postgres: exit %d\n%s%s", code, stdout, stderr)
	}
	evs, err := db.Assure().Evidence(context.Background())
	if err != nil || len(evs) != 1 || evs[0].Owner != "Trust secretary" || evs[0].Attachment != "DOC-2026-117" {
		t.Fatalf("the shared database holds %+v, %v", evs, err)
	}
	if got := listedEvidence(t, "--postgres", dsn); len(got) != 1 || got[0].ID != evs[0].ID {
		t.Fatalf("evidence list --postgres: %+v", got)
	}
}
