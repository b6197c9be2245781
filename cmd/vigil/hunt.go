package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/vigilhealth/vigil/internal/hunt"
)

func huntCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hunt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rulePaths listFlag
	fs.Var(&rulePaths, "rules", "Sigma rule file or folder (repeatable); default: Vigil's own pack")
	format := fs.String("format", "table", "output format: "+strings.Join(hunt.Formats, ", "))
	output := fs.String("output", "", "write detections to this file instead of standard output")
	from := fs.String("from", "", "only events at or after this time (RFC 3339, or YYYY-MM-DD[ HH:MM:SS] in UTC)")
	to := fs.String("to", "", "only events before this time")
	minLevel := fs.String("min-level", "informational", "report detections of this level and above")
	placeholders := fs.String("placeholders", "", "YAML file of placeholder values for the expand modifier")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the hunt to this file (for performance reports)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vigil hunt [options] PATH...\n\nHunt through EVTX, JSON, NDJSON and syslog files (or gzip of them) with Sigma rules.\n\n")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageErr("name at least one file or folder to hunt through")
	}
	opts, err := huntOptions(*from, *to, *minLevel)
	if err != nil {
		return err
	}
	set, err := loadRules(rulePaths, *placeholders)
	if err != nil {
		return err
	}
	eng, err := hunt.NewEngine(set)
	if err != nil {
		return err
	}
	for _, r := range set.Refused {
		fmt.Fprintf(stderr, "rule refused: %s\n", r.Error())
	}
	dst, color, closeOut, err := openOutput(*output, stdout)
	if err != nil {
		return err
	}
	w, err := hunt.NewWriter(*format, dst, color)
	if err != nil {
		closeOut()
		return usageErr("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cpuprofile != "" {
		stopProfile, err := startCPUProfile(*cpuprofile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	opts.Progress = &hunt.Progress{}
	done := startProgress(stderr, opts.Progress)
	sum, err := hunt.Run(ctx, paths, eng, opts, w.Write)
	done()
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	hunt.WriteSummary(stderr, sum)
	return nil
}

func huntOptions(from, to, minLevel string) (hunt.Options, error) {
	var opts hunt.Options
	var err error
	if opts.From, err = parseTime(from); err != nil {
		return opts, usageErr("--from: %v", err)
	}
	if opts.To, err = parseTime(to); err != nil {
		return opts, usageErr("--to: %v", err)
	}
	if opts.MinLevel, err = hunt.ParseLevel(minLevel); err != nil {
		return opts, usageErr("--min-level: %v", err)
	}
	return opts, nil
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"}

// parseTime reads a time bound; times without a zone are UTC, as event logs are.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read time %q (use RFC 3339, e.g. 2024-06-03T09:00:00Z, or 2024-06-03)", s)
}

// openOutput returns where detections go, and whether to colour them.
func openOutput(path string, stdout io.Writer) (io.Writer, bool, func() error, error) {
	if path == "" {
		return stdout, isTerminal(stdout), func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, false, nil, err
	}
	return f, false, f.Close, nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
