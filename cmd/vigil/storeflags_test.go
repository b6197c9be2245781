package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoreFlagsChoose: a flag given on the command line wins over the
// default VIGIL_STORE_POSTGRES_DSN gives, saying so; both flags given is a
// usage error naming both, unless the command reads files beside the
// database.
func TestStoreFlagsChoose(t *testing.T) {
	const env, flagDSN = "host=/env dbname=vigil", "host=/flag dbname=vigil"
	tests := []struct {
		name       string
		env        string
		args       []string
		withData   bool
		data, dsn  string
		err, notes string // in the error; on stderr
	}{
		{"nothing: the default folder", "", nil, false, "def", "", "", ""},
		{"the variable alone", env, nil, false, "def", env, "", ""},
		{"--data alone", "", []string{"--data", "d"}, false, "d", "", "", ""},
		{"--postgres alone", "", []string{"--postgres", flagDSN}, false, "def", flagDSN, "", ""},
		{"--data over the variable", env, []string{"--data", "d"}, false, "d", "", "",
			"vigil test: using the data folder d that --data gives, not the database VIGIL_STORE_POSTGRES_DSN names"},
		{"--data over the variable, with files", env, []string{"--data", "d"}, true, "d", "", "", "using the data folder d"},
		{"--postgres over the variable", env, []string{"--postgres", flagDSN}, false, "def", flagDSN, "", ""},
		{"--postgres '' clears the variable", env, []string{"--postgres", "", "--data", "d"}, false, "d", "", "", ""},
		{"--data '' names no folder: the variable", env, []string{"--data", ""}, false, "", env, "", ""},
		{"--data '' with --postgres", "", []string{"--data", "", "--postgres", flagDSN}, false, "", flagDSN, "", ""},
		{"both given", "", []string{"--data", "d", "--postgres", flagDSN}, false, "", "", "give --data or --postgres, not both", ""},
		{"both given, the variable set too", env, []string{"--data", "d", "--postgres", flagDSN}, false, "", "", "give --data or --postgres, not both", ""},
		{"both given to a command reading files beside the database", "", []string{"--data", "d", "--postgres", flagDSN}, true, "d", flagDSN, "", ""},
	}
	for _, tc := range tests {
		t.Setenv(envDSN, tc.env)
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		stores := addStoreFlags(fs, "def", "data folder")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		data, dsn, err := stores.choose(&stderr, tc.withData)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, new(usageError))):
			t.Errorf("%s: error %v, want a usage error with %q", tc.name, err, tc.err)
		case data != tc.data || dsn != tc.dsn:
			t.Errorf("%s: data %q dsn %q, want %q %q", tc.name, data, dsn, tc.data, tc.dsn)
		}
		if got := stderr.String(); tc.notes == "" && got != "" || !strings.Contains(got, tc.notes) || strings.Count(got, "\n") > 1 {
			t.Errorf("%s: stderr %q, want one line with %q", tc.name, got, tc.notes)
		}
	}
}

// TestExplicitDataWinsOverEnv: with VIGIL_STORE_POSTGRES_DSN naming a
// database that cannot be reached, each command given --data alone works
// on the data folder and says so on stderr.
func TestExplicitDataWinsOverEnv(t *testing.T) {
	data := t.TempDir()
	staff, _, _ := peopleInputs(t)
	t.Setenv(envDSN, "host=/nonexistent dbname=vigil connect_timeout=1")
	tests := []struct {
		name  string
		args  []string
		out   string // in stdout
		wrote string // a file now in the data folder, "" for none
	}{
		{"token create", []string{"token", "create", "--data", data, "--role", "ingest", "--name", "relay"}, "vigil_", ""},
		{"token list", []string{"token", "list", "--data", data}, "relay", ""},
		{"token revoke", []string{"token", "revoke", "--data", data, "relay"}, "revoked token relay", ""},
		{"assure evidence add", []string{"assure", "evidence", "add", "--data", data, "--indicators", "D1.a.1", "--owner", "Head of IT",
			"--summary", "exercise run", "--date", "2026-10-01"}, "recorded evidence", "assure/evidence.jsonl"},
		{"assure evidence list", []string{"assure", "evidence", "list", "--data", data}, "exercise run", ""},
		{"people import", []string{"people", "import", "--data", data, "--staff", staff}, "2 staff", "people"},
		{"people pulse-link", []string{"people", "pulse-link", "--data", data, "--round", "2026-Q1"}, "/pulse/2026-Q1?t=", ""},
		{"report staff", []string{"report", "staff", "--data", data, "--month", "2026-10", "--format", "html",
			"--output", filepath.Join(data, "staff.html")}, "", "staff.html"},
	}
	for _, tc := range tests {
		code, stdout, stderr := runVigil(t, tc.args...)
		if code != 0 || !strings.Contains(stdout, tc.out) || !strings.Contains(stderr, "using the data folder "+data) {
			t.Fatalf("%s: exit %d\nstdout %s\nstderr %s", tc.name, code, stdout, stderr)
		}
		if tc.wrote != "" {
			if _, err := os.Stat(filepath.Join(data, tc.wrote)); err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
	}
	code, _, stderr := runVigil(t, "token", "list", "--data", data, "--postgres", "host=/elsewhere")
	if code != 2 || !strings.Contains(stderr, "give --data or --postgres, not both") {
		t.Errorf("both flags: exit %d, %q; want 2 naming both", code, stderr)
	}
}
