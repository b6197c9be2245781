package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/serve"
)

// auditCmd runs "vigil audit verify": it checks the self-audit log's hash
// chain (the data folder's, or with --postgres the shared database's that
// a scaled-out deployment's API nodes append to), printing how many
// entries it checked, or fails naming the first bad entry.
func auditCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageErr("want a subcommand: vigil audit verify --data DIR|--postgres DSN [--key-file FILE]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, serve.DefaultData, "data folder of the service")
	keyFile := fs.String("key-file", os.Getenv("VIGIL_AUDIT_KEY_FILE"), "the HMAC key file the service uses (audit.key_file)")
	if err := parseNoArgs(fs, args[1:]); err != nil {
		return err
	}
	data, dsn, err := stores.choose(stderr, false)
	if err != nil {
		return err
	}
	var key []byte
	if *keyFile != "" {
		if key, err = audit.ReadKeyFile(*keyFile); err != nil {
			return err
		}
	}
	where := filepath.Join(data, "audit")
	verify := func() (int, error) { return audit.VerifyKeyed(where, key) }
	if dsn != "" {
		db, err := openShared(dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		where, verify = "the shared database (table audit_log)", db.Audit(key).Verify
	}
	n, err := verify()
	if err != nil {
		return fmt.Errorf("%w (%d entries before it are intact)", err, n)
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries checked in %s\n", n, where)
	return nil
}
