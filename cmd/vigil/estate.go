package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/serve"
)

const estateUsage = `Usage:
  vigil estate check [--assets FILE.csv] [--events PATH]... [--eol DIR] [--kev FILE]
                     [--data DIR] [--at DATE] [--format table|jsonl|csv] [--output FILE]
  vigil estate update --kev FILE --eol DIR [--data DIR]
  vigil estate register add|approve|list --data DIR ...
`

func estateCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, estateUsage)
		return usageErr("name a subcommand: check, update or register")
	}
	switch args[0] {
	case "check":
		return estateCheck(args[1:], stdout, stderr)
	case "update":
		return estateUpdate(args[1:], stdout, stderr)
	case "register":
		return registerCmd(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, estateUsage)
		return nil
	}
	return usageErr("unknown subcommand %q (want check, update or register)", args[0])
}

func estateCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("estate check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	assets := fs.String("assets", "", "asset CSV (header with at least name,vendor,product,version)")
	var events listFlag
	fs.Var(&events, "events", "EVTX, JSON or syslog file or folder to learn assets from (repeatable)")
	eolDir := fs.String("eol", "", "endoflife.date product folder; default: the copy vigil estate update stored")
	kevFile := fs.String("kev", "", "CISA KEV catalogue JSON; default: the copy vigil estate update stored")
	data := fs.String("data", serve.DefaultData, "data folder holding the stored feeds")
	at := fs.String("at", "", "check support at this date (YYYY-MM-DD); default today")
	format := fs.String("format", "", "output format: table, jsonl or csv; default table on a terminal, else jsonl")
	output := fs.String("output", "", "write to this file instead of standard output")
	fs.Usage = func() {
		fmt.Fprint(stderr, estateUsage+"\nCheck assets for end of life and known-exploited vulnerabilities.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *assets == "" && len(events) == 0 {
		return usageErr("give --assets FILE.csv, --events PATH, or both")
	}
	if *format != "" && !slices.Contains(estate.Formats, *format) {
		return usageErr("unknown format %q (want %s)", *format, strings.Join(estate.Formats, ", "))
	}
	when, err := checkDate(*at)
	if err != nil {
		return err
	}
	checker, err := loadFeeds(*data, *eolDir, *kevFile)
	if err != nil {
		return err
	}
	list, err := gatherAssets(*assets, events, stderr)
	if err != nil {
		return err
	}
	dst, tty, closeOut, err := openOutput(*output, stdout)
	if err != nil {
		return err
	}
	f := *format
	if f == "" {
		f = "jsonl"
		if tty {
			f = "table"
		}
	}
	err = estate.WriteFindings(dst, f, checker.CheckAll(list, when))
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	return err
}

// checkDate reads --at; empty means today.
func checkDate(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := parseTime(s)
	if err != nil {
		return t, usageErr("--at: %v", err)
	}
	return t, nil
}

// loadFeeds loads the feeds given, or the stored copies for those not
// given.
func loadFeeds(data, eolDir, kevFile string) (*estate.Checker, error) {
	if eolDir == "" || kevFile == "" {
		kev, eol, err := estate.FeedPaths(data)
		if err != nil {
			return nil, fmt.Errorf("%w; or give --eol and --kev", err)
		}
		if eolDir == "" {
			eolDir = eol
		}
		if kevFile == "" {
			kevFile = kev
		}
	}
	life, err := estate.LoadLifecycles(eolDir)
	if err != nil {
		return nil, err
	}
	kev, err := estate.LoadKEV(kevFile)
	if err != nil {
		return nil, err
	}
	return &estate.Checker{Lifecycles: life, KEV: kev}, nil
}

// gatherAssets reads the CSV and learns from the event files, the CSV's
// assets first so that the register wins where both describe a host.
func gatherAssets(csvPath string, events []string, stderr io.Writer) ([]estate.Asset, error) {
	var imported []estate.Asset
	if csvPath != "" {
		var err error
		if imported, err = estate.LoadAssetsCSV(csvPath); err != nil {
			return nil, err
		}
	}
	if len(events) == 0 {
		return imported, nil
	}
	inv := estate.NewInventory(0)
	skipped := func(path string, err error) { fmt.Fprintf(stderr, "skipped %s: %v\n", path, err) }
	if err := estate.ObserveFiles(events, inv, skipped); err != nil {
		return nil, err
	}
	return estate.Merge(imported, inv.Assets()), nil
}

func estateUpdate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("estate update", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kevFile := fs.String("kev", "", "CISA KEV catalogue JSON to install")
	eolDir := fs.String("eol", "", "endoflife.date product folder to install")
	data := fs.String("data", serve.DefaultData, "data folder to store the feeds in (under feeds/)")
	fs.Usage = func() {
		fmt.Fprint(stderr, estateUsage+"\nCheck the feeds and store them in the data folder, all or nothing.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *kevFile == "" || *eolDir == "" {
		return usageErr("give both --kev FILE and --eol DIR")
	}
	c, err := estate.InstallFeeds(*data, *kevFile, *eolDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "stored KEV catalogue %s (%d vulnerabilities) and %d end-of-life products in %s\n",
		c.KEV.Version, len(c.KEV.Vulns), len(c.Lifecycles.Products), *data)
	return nil
}
