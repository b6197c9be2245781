package main

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/serve"
)

const tokenUsage = "vigil token create --data DIR|--postgres DSN --role ROLE [--name NAME] | list --data DIR|--postgres DSN | revoke --data DIR|--postgres DSN NAME|ID"

// tokenCmd runs "vigil token create|list|revoke": API bearer tokens in
// the data folder, or with --postgres in the shared database of a
// scaled-out deployment's API nodes, which a running service accepts (or
// refuses, once revoked) at once.
func tokenCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("want a subcommand: %s", tokenUsage)
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, serve.DefaultData, "data folder of the service")
	var role, name string
	var pos []string
	var err error
	switch args[0] {
	case "create":
		fs.StringVar(&role, "role", "", "role of the token: analyst, privacy_officer, board, admin, or ingest (log shippers)")
		fs.StringVar(&name, "name", "", "a name to list and revoke it by (default: ROLE-ID)")
		err = parseNoArgs(fs, args[1:])
	case "list":
		err = parseNoArgs(fs, args[1:])
	case "revoke":
		if pos, err = parseInterleaved(fs, args[1:]); err == nil && len(pos) != 1 {
			err = usageErr("revoke takes one token name or id: vigil token revoke --data DIR NAME|ID")
		}
	default:
		return usageErr("unknown subcommand %q: %s", args[0], tokenUsage)
	}
	if err != nil {
		return err
	}
	data, dsn, err := stores.choose(stderr, false)
	if err != nil {
		return err
	}
	switch args[0] {
	case "create":
		return tokenCreate(data, dsn, role, name, stdout, stderr)
	case "list":
		return tokenList(data, dsn, stdout)
	}
	return tokenRevoke(data, dsn, pos[0], stdout)
}

// tokenRevoke revokes the token named or with the id given.
func tokenRevoke(data, dsn, nameOrID string, stdout io.Writer) error {
	store, done, err := tokenStore(data, dsn)
	if err != nil {
		return err
	}
	defer done()
	t, err := store.Revoke(nameOrID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked token %s (id %s, role %s)\n", t.Name, t.ID, t.Role)
	return nil
}

// tokenCreate prints the new token alone on standard output, so that a
// script can take it with $(...); what it is goes to standard error.
func tokenCreate(data, dsn, role, name string, stdout, stderr io.Writer) error {
	r, err := auth.ParseRole(role)
	if err != nil {
		return usageErr("--role: %v", err)
	}
	store, done, err := tokenStore(data, dsn)
	if err != nil {
		return err
	}
	defer done()
	secret, t, err := store.Create(r, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "Token %s (id %s, role %s) created; it is shown only now. Send it as Authorization: Bearer TOKEN.\n", t.Name, t.ID, t.Role)
	return nil
}

func tokenList(data, dsn string, stdout io.Writer) error {
	store, done, err := tokenStore(data, dsn)
	if err != nil {
		return err
	}
	defer done()
	tokens, err := store.List()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tLAST USED\tSTATUS")
	for _, t := range tokens {
		status := "active"
		if !t.Active() {
			status = "revoked " + localTime(t.Revoked)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, localTime(t.Created), localTime(t.LastUsed), status)
	}
	return tw.Flush()
}

// localTime shows t in the local time zone with the zone, "-" when zero.
func localTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}
