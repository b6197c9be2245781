package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/auth/authtest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestSharedStoresCommands: token create, list and revoke, user add and
// audit verify with --postgres work on the shared database that a
// scaled-out deployment's API nodes read.
func TestSharedStoresCommands(t *testing.T) {
	key := t.TempDir()
	dsn := pgtest.SchemaDSN(t, key)
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	var out, errb bytes.Buffer
	steps := []struct {
		name string
		run  func() error
		want string // in standard output
	}{
		{"create", func() error {
			return tokenCmd([]string{"create", "--postgres", dsn, "--role", "ingest", "--name", "relay"}, &out, &errb)
		}, "vigil_"},
		{"list", func() error { return tokenCmd([]string{"list", "--postgres", dsn}, &out, &errb) }, "relay"},
		{"revoke", func() error { return tokenCmd([]string{"revoke", "--postgres", dsn, "relay"}, &out, &errb) }, "revoked token relay"},
		{"user add", func() error {
			return userCmd([]string{"add", "--postgres", dsn, "--name", "sam", "--role", "analyst"}, strings.NewReader("three random words\n"), &out, &errb)
		}, "user sam (analyst) saved"},
		{"audit verify", func() error {
			db.Audit(nil).Append(audit.Entry{Who: "sam", Action: "login", Outcome: "granted"})
			return auditCmd([]string{"verify", "--postgres", dsn}, &out, &errb)
		}, "1 entries checked in the shared database"},
	}
	for _, st := range steps {
		out.Reset()
		if err := st.run(); err != nil || !strings.Contains(out.String(), st.want) {
			t.Fatalf("%s: %v; output %q, want %q (stderr %q)", st.name, err, out.String(), st.want, errb.String())
		}
	}
	if ok, err := db.Users(authtest.CheapArgon2).Exists("sam"); !ok || err != nil {
		t.Errorf("the account is not in the database: %v, %v", ok, err)
	}
	list, err := db.Tokens().List()
	if err != nil || len(list) != 1 || list[0].Active() {
		t.Errorf("tokens in the database: %+v, %v; want relay, revoked", list, err)
	}
	if err := tokenCmd([]string{"list", "--postgres", "host=/nonexistent dbname=x connect_timeout=1"}, &out, &errb); err == nil || !strings.Contains(err.Error(), "--postgres") {
		t.Errorf("an unreachable database: %v, want an error naming --postgres", err)
	}
}
