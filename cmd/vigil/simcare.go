package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/vigilhealth/vigil/internal/sim/care"
)

const simUsage = `Usage:
  vigil sim care --seed N --size small|medium|large [--staff N] [--patients N]
                 [--days N] [--start YYYY-MM-DD] --out DIR
`

// simCmd runs a simulator: today only "care", the synthetic trust for the
// patient-data guardian.
func simCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "care" {
		fmt.Fprint(stderr, simUsage)
		return usageErr("want a simulator: care")
	}
	return simCareCmd(args[1:], stdout, stderr)
}

// simCareCmd writes a synthetic trust: roster, ADT and appointments, the
// access log with injected misuse, and its ground truth.
func simCareCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim care", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, simUsage); fs.PrintDefaults() }
	seed := fs.Uint64("seed", 1, "seed of every random choice: the same seed writes the same files")
	size := fs.String("size", "small", "trust size: small (200 staff, 5,000 patients), medium (1,000, 50,000) or large (3,000, 200,000)")
	staff := fs.Int("staff", 0, "members of staff (overrides the size)")
	patients := fs.Int("patients", 0, "patients (overrides the size)")
	days := fs.Int("days", 0, "days of access log (overrides the size)")
	var start dateFlag
	fs.Var(&start, "start", "first day of the log, YYYY-MM-DD (default "+care.DefaultStart.Format(time.DateOnly)+")")
	out := fs.String("out", "", "folder to write the files to (created if missing)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("--out DIR is required")
	}
	cfg, err := care.ForSize(*size, *seed)
	if err != nil {
		return usageErr("--size: %v", err)
	}
	for _, o := range []struct {
		v   int
		dst *int
	}{{*staff, &cfg.Staff}, {*patients, &cfg.Patients}, {*days, &cfg.Days}} {
		if o.v != 0 {
			*o.dst = o.v
		}
	}
	if !start.t.IsZero() {
		cfg.Start = start.t
	}
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	began := time.Now()
	truth, err := care.Generate(cfg, *out, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote a %s trust (seed %d) to %s in %s: %d staff, %d patients, %d days, %d accesses (%d legitimate), %d misuse pairs.\n",
		cfg.Size, cfg.Seed, *out, time.Since(began).Round(time.Millisecond), truth.Staff, truth.Patients, truth.Days,
		truth.Accesses, truth.Legitimate, len(truth.Misuse))
	return nil
}
