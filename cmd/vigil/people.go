package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/serve"
)

const peopleUsage = `Usage:
  vigil people import --data DIR [--staff FILE.csv] [--training FILE.csv] [--gophish FILE]...
  vigil people pulse-link --data DIR --round 2026-Q3
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

func peopleImport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("people import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", serve.DefaultData, "data folder to keep the people data in (under people/)")
	var files people.ImportFiles
	fs.StringVar(&files.Staff, "staff", "", "staff directory CSV (staff_id,name,email,staff_group,site,...)")
	fs.StringVar(&files.Training, "training", "", "training records CSV (course, completed, staff_id or email, ...)")
	var gophish listFlag
	fs.Var(&gophish, "gophish", "GoPhish results: the results CSV, or the API's campaign JSON (.json); repeatable")
	fs.Usage = func() {
		fmt.Fprint(stderr, peopleUsage+"\nImport staff, training and phishing simulation results, all or nothing.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	files.GoPhish = gophish
	if files.Staff == "" && files.Training == "" && len(files.GoPhish) == 0 {
		return usageErr("give --staff, --training or --gophish")
	}
	st, err := people.OpenStore(*data)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := st.Import(context.Background(), files, time.Now())
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	fmt.Fprintf(stdout, "%s now holds %d staff, %d training records (%d naming no one in the directory) and %d phishing campaigns\n",
		*data, sum.Staff, sum.Training, sum.Unmatched, sum.Campaigns)
	return nil
}

func pulseLink(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("people pulse-link", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", serve.DefaultData, "data folder of the service")
	round := fs.String("round", "", "pulse round, YYYY-MM or YYYY-Qn")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !people.ValidRound(*round) {
		return usageErr("--round %q: want YYYY-MM or YYYY-Qn", *round)
	}
	st, err := people.OpenStore(*data)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "/pulse/%s?t=%s\n", *round, st.PulseLink(*round))
	return nil
}
