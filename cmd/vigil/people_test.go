package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/people"
)

// peopleInputs writes the import files of the tests: two staff, one
// training record, and a training file whose line 3 is malformed.
func peopleInputs(t *testing.T) (staff, training, badTraining string) {
	t.Helper()
	in := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("staff.csv", "staff_id,name,email,staff_group,site\n1,Ann Lee,ann@trust.nhs.uk,Nursing,North\n2,Bo Day,bo@trust.nhs.uk,Medical,South\n"),
		write("training.csv", "staff_id,course,completed,validity\n1,Data Security Awareness,2026-01-10,12 months\n"),
		write("bad.csv", "staff_id,course,completed\n1,Data Security Awareness,2026-01-10\n2,Data Security Awareness,10-01-2026\n")
}

func TestPeopleImport(t *testing.T) {
	t.Setenv("VIGIL_STORE_POSTGRES_DSN", "")
	staff, training, badTraining := peopleInputs(t)
	data := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
		staff    int
	}{
		{"staff and training", []string{"--staff", staff, "--training", training}, 0, "2 staff, 1 training records", "", 2},
		{"a malformed file imports nothing", []string{"--staff", staff, "--training", badTraining}, 1, "", "bad.csv:3: completed", 2},
		{"nothing named", nil, 2, "", "give --staff", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"people", "import", "--data", data}, c.args...)
			code, stdout, stderr := runVigil(t, args...)
			if code != c.wantCode || !strings.Contains(stdout, c.wantOut) || !strings.Contains(stderr, c.wantErr) {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
			st, err := people.OpenStore(data)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if im := st.Imported(); len(im.Staff) != c.staff || len(im.Training) != 1 || im.Generation != 1 {
				t.Errorf("stored %d staff, %d records, generation %d; want %d, 1, 1", len(im.Staff), len(im.Training), im.Generation, c.staff)
			}
		})
	}
	code, stdout, _ := runVigil(t, "people", "pulse-link", "--data", data, "--round", "2026-Q1")
	if code != 0 || !strings.HasPrefix(stdout, "/pulse/2026-Q1?t=") || len(strings.TrimSpace(stdout)) != len("/pulse/2026-Q1?t=")+32 {
		t.Errorf("pulse-link: exit %d, %q", code, stdout)
	}
}

// TestPeopleStoreFlags: --data and --postgres are alternatives, for
// import and pulse-link alike; neither or both is a usage error saying
// what to give, and nothing is written. (--data over the variable:
// TestExplicitDataWinsOverEnv.)
func TestPeopleStoreFlags(t *testing.T) {
	staff, _, _ := peopleInputs(t)
	data := t.TempDir()
	const dsn = "host=/nonexistent dbname=vigil connect_timeout=1"
	cases := []struct {
		name, env string
		args      []string
		want      string
	}{
		{"import, neither", "", []string{"import", "--staff", staff}, "give --data DIR"},
		{"import, both", "", []string{"import", "--data", data, "--postgres", dsn, "--staff", staff}, "not both"},
		{"pulse-link, neither", "", []string{"pulse-link", "--round", "2026-Q1"}, "give --data DIR"},
		{"pulse-link, both", "", []string{"pulse-link", "--data", data, "--postgres", dsn, "--round", "2026-Q1"}, "not both"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("VIGIL_STORE_POSTGRES_DSN", c.env)
			code, stdout, stderr := runVigil(t, append([]string{"people"}, c.args...)...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, c.want)
			}
		})
	}
	if entries, err := os.ReadDir(data); err != nil || len(entries) != 0 {
		t.Fatalf("the data folder after refused commands: %v, %v; want it empty", entries, err)
	}
	// --postgres '' clears the variable: the data folder is used.
	t.Setenv("VIGIL_STORE_POSTGRES_DSN", dsn)
	if code, stdout, stderr := runVigil(t, "people", "import", "--postgres", "", "--data", data, "--staff", staff); code != 0 || !strings.Contains(stdout, "2 staff") {
		t.Fatalf("--postgres '' with --data: exit %d, %q, %q", code, stdout, stderr)
	}
	// An unreachable database is an error naming --postgres.
	t.Setenv("VIGIL_STORE_POSTGRES_DSN", "")
	if code, _, stderr := runVigil(t, "people", "import", "--postgres", dsn, "--staff", staff); code != 1 || !strings.Contains(stderr, "--postgres") {
		t.Fatalf("an unreachable database: exit %d, %q", code, stderr)
	}
}
