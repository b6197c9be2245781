package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
)

const peopleUsage = `Usage:
  vigil people import --data DIR|--postgres DSN [--staff FILE.csv] [--training FILE.csv] [--gophish FILE]...
  vigil people pulse-link --data DIR|--postgres DSN --round 2026-Q3

--data is the data folder of vigil serve (role all); --postgres the shared
database of a scaled-out deployment's API nodes (default
VIGIL_STORE_POSTGRES_DSN; --data given alone wins over the variable). Give
one of them. A running service takes an import in within people.reload
(10s by default), without a restart.
`

func peopleCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, peopleUsage)
		return usageErr("name a subcommand: import or pulse-link")
	}
	switch args[0] {
	case "import":
		return peopleImport(args[1:], stdout, stderr)
	case "pulse-link":
		return pulseLink(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, peopleUsage)
		return nil
	}
	return usageErr("unknown subcommand %q (want import or pulse-link)", args[0])
}

// peopleStores adds --data and --postgres to fs, the two places the
// people data may be kept; --data has no default, so that one is named.
func peopleStores(fs *flag.FlagSet) *storeFlags {
	return addStoreFlags(fs, "", "data folder of vigil serve (role all); the people data is kept under people/")
}

// openPeople opens the people store that --data or --postgres names, one
// of them and not both (see storeFlags.choose); where says which, for
// messages (never the DSN, which may hold a password). done closes it.
func openPeople(stores *storeFlags, stderr io.Writer) (st *people.Store, where string, done func(), err error) {
	data, dsn, err := stores.choose(stderr, false)
	switch {
	case err != nil:
		return nil, "", nil, err
	case data == "" && dsn == "":
		return nil, "", nil, usageErr("give --data DIR (the data folder of vigil serve) or --postgres DSN (the shared database of a scaled-out deployment)")
	case dsn == "":
		st, err := people.OpenStore(data)
		if err != nil {
			return nil, "", nil, err
		}
		return st, data, func() { st.Close() }, nil
	}
	db, err := openShared(dsn)
	if err != nil {
		return nil, "", nil, err
	}
	if st, err = people.NewStore(db.People()); err != nil {
		db.Close()
		return nil, "", nil, fmt.Errorf("--postgres: %w", err)
	}
	return st, "the shared database", func() { st.Close(); db.Close() }, nil
}

func peopleImport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("people import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := peopleStores(fs)
	var files people.ImportFiles
	fs.StringVar(&files.Staff, "staff", "", "staff directory CSV (staff_id,name,email,staff_group,site,...)")
	fs.StringVar(&files.Training, "training", "", "training records CSV (course, completed, staff_id or email, ...)")
	var gophish listFlag
	fs.Var(&gophish, "gophish", "GoPhish results: the results CSV, or the API's campaign JSON (.json); repeatable")
	fs.Usage = func() {
		fmt.Fprint(stderr, peopleUsage+"\nImport staff, training and phishing simulation results, all or nothing.\n\n")
		fs.PrintDefaults()
	}
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	files.GoPhish = gophish
	if files.Staff == "" && files.Training == "" && len(files.GoPhish) == 0 {
		return usageErr("give --staff, --training or --gophish")
	}
	st, where, done, err := openPeople(stores, stderr)
	if err != nil {
		return err
	}
	defer done()
	sum, err := st.Import(context.Background(), files, time.Now())
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	fmt.Fprintf(stdout, "%s now holds %d staff, %d training records (%d naming no one in the directory) and %d phishing campaigns (import %d)\n",
		where, sum.Staff, sum.Training, sum.Unmatched, sum.Campaigns, st.Generation())
	return nil
}

func pulseLink(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("people pulse-link", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := peopleStores(fs)
	round := fs.String("round", "", "pulse round, YYYY-MM or YYYY-Qn")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if !people.ValidRound(*round) {
		return usageErr("--round %q: want YYYY-MM or YYYY-Qn", *round)
	}
	st, _, done, err := openPeople(stores, stderr)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintf(stdout, "/pulse/%s?t=%s\n", *round, st.PulseLink(*round))
	return nil
}
