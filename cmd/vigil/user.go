package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/serve"
)

// userCmd runs "vigil user add": a local account for the console, its
// password read from the terminal (asked twice) or from the first line of
// standard input.
func userCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageErr("want a subcommand: vigil user add --data DIR|--postgres DSN --name NAME --role ROLE [--replace] (password on standard input)")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, serve.DefaultData, "data folder of the service")
	name := fs.String("name", "", "the account's login name")
	role := fs.String("role", "", "analyst, privacy_officer, board or admin")
	replace := fs.Bool("replace", false, "set a new password and role for an existing account")
	if err := parseNoArgs(fs, args[1:]); err != nil {
		return err
	}
	data, dsn, err := stores.choose(stderr, false)
	if err != nil {
		return err
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return usageErr("--role: %v", err)
	}
	if *name == "" {
		return usageErr("--name is required")
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	store, done, err := userStore(data, dsn)
	if err != nil {
		return err
	}
	defer done()
	if err := store.Add(*name, r, pw, *replace); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s (%s) saved; they log in at POST /api/v1/login\n", *name, r)
	return nil
}

// readPassword asks twice on a terminal, or reads one line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprint(stderr, "\nAgain: ")
		if err == nil {
			var b []byte
			b, err = term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(stderr)
			if err == nil && string(a) != string(b) {
				return "", errors.New("the two passwords differ")
			}
		}
		return string(a), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
