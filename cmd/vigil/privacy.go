package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/serve"
)

const privacyUsage = `want a subcommand:
  vigil privacy audit --staff FILE --adt PATH... --access PATH... [--vip FILE] [--format table|csv|jsonl]
  vigil privacy report --patient NHS_NUMBER --staff FILE --adt PATH... --access PATH... [--format fhir|csv|pdf] [--output FILE] [--data DIR] [--by NAME]`

// privacyCmd runs "vigil privacy audit" and "vigil privacy report".
func privacyCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "audit":
			return privacyAudit(args[1:], stdout, stderr)
		case "report":
			return privacyReport(args[1:], stdout, stderr)
		}
	}
	return usageErr("%s", privacyUsage)
}

// privacyFlags are the options of "vigil privacy audit" and "report".
type privacyFlags struct {
	staff, vip, reviews, format, output string
	truth, patient                      string
	data, by                            string // where and by whom a patient report is recorded
	adt, access                         listFlag
	minScore                            int
}

// inputFlags registers the flags naming the inputs, shared by audit and
// report.
func (pf *privacyFlags) inputFlags(fs *flag.FlagSet) {
	fs.StringVar(&pf.staff, "staff", "", "staff roster CSV (user_id,given_name,family_name,job_role,department,address,postcode,start_date,end_date)")
	fs.Var(&pf.adt, "adt", "HL7 v2 ADT/SIU file or folder (repeatable; several paths may follow one --adt)")
	fs.Var(&pf.access, "access", "FHIR AuditEvent NDJSON, Bundle JSON or ATNA XML file or folder (repeatable)")
	fs.StringVar(&pf.vip, "vip", "", "watch list of VIP patients: one NHS number per line")
	fs.StringVar(&pf.reviews, "reviews", "", "break-glass reviews CSV (default: breakglass_reviews.csv beside the access log, if present)")
	fs.StringVar(&pf.output, "output", "", "write to this file instead of standard output")
}

// parseInputs parses args into pf and checks that the inputs are named.
func (pf *privacyFlags) parseInputs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(spreadPaths(args, "adt", "access")); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if pf.staff == "" || len(pf.adt) == 0 || len(pf.access) == 0 {
		return usageErr("--staff, --adt and --access are required")
	}
	return nil
}

func privacyAudit(args []string, stdout, stderr io.Writer) error {
	var pf privacyFlags
	fs := flag.NewFlagSet("privacy audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pf.inputFlags(fs)
	fs.StringVar(&pf.format, "format", "", "output format: table, csv or jsonl (default table on a terminal, else jsonl)")
	fs.IntVar(&pf.minScore, "min-score", 0, "report only cases scoring at least this")
	fs.StringVar(&pf.truth, "truth", "", "ground truth JSON of a synthetic trust: print recall and cases per 5,000 accesses on standard error")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vigil privacy audit --staff FILE --adt PATH... --access PATH... [--vip FILE] [--format table|csv|jsonl]\n\n"+
			"Explain every access to a patient record from care relationships and rank what nothing explains.\n\n")
		fs.PrintDefaults()
	}
	if err := pf.parseInputs(fs, args); err != nil {
		return err
	}
	dst, terminal, closeOut, err := openOutput(pf.output, stdout)
	if err != nil {
		return err
	}
	if pf.format == "" {
		pf.format = "jsonl"
		if terminal {
			pf.format = "table"
		}
	}
	res, err := runPrivacy(pf, stderr)
	if err != nil {
		closeOut()
		return err
	}
	if err := privacy.Write(dst, pf.format, res); err != nil {
		closeOut()
		return err
	}
	if err := closeOut(); err != nil {
		return err
	}
	if pf.truth != "" {
		return printScores(stderr, pf.truth, res)
	}
	return nil
}

// runPrivacy loads every input and runs the audit. Input errors are
// reported on stderr (the first 20) and counted in the summary.
func runPrivacy(pf privacyFlags, stderr io.Writer) (*privacy.Result, error) {
	opts := privacy.DefaultOptions()
	opts.MinScore = pf.minScore
	a := privacy.New(opts)
	l := privacy.NewLoader(a, slog.New(slog.DiscardHandler))
	if err := l.Staff(pf.staff); err != nil {
		return nil, err
	}
	for _, p := range pf.adt {
		if err := l.ADT(p); err != nil {
			return nil, fmt.Errorf("--adt %s: %w", p, err)
		}
	}
	for _, p := range pf.access {
		if err := l.Access(p); err != nil {
			return nil, fmt.Errorf("--access %s: %w", p, err)
		}
	}
	if pf.vip != "" {
		if err := l.VIP(pf.vip); err != nil {
			return nil, err
		}
	}
	for _, p := range reviewFiles(pf) {
		if err := l.Reviews(p); err != nil {
			return nil, err
		}
	}
	res := a.Run()
	reportInputErrors(stderr, l.Errors, res.Summary.InputErrors)
	return res, nil
}

// printScores compares the cases with a generator's ground truth.
func printScores(w io.Writer, path string, res *privacy.Result) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--truth: %w", err)
	}
	defer f.Close()
	gt, err := privacy.ReadGroundTruth(f)
	if err != nil {
		return fmt.Errorf("--truth %s: %w", path, err)
	}
	out, err := json.Marshal(privacy.Evaluate(res.Cases, res.Summary, gt))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "evaluation: %s\n", out)
	return nil
}

// reviewFiles is --reviews, or breakglass_reviews.csv beside (or inside)
// each access path.
func reviewFiles(pf privacyFlags) []string {
	if pf.reviews != "" {
		return []string{pf.reviews}
	}
	var out []string
	for _, p := range pf.access {
		dir := p
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			dir = filepath.Dir(p)
		}
		f := filepath.Join(dir, "breakglass_reviews.csv")
		if _, err := os.Stat(f); err == nil && !contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func reportInputErrors(w io.Writer, errs []error, counts map[string]int) {
	total := 0
	for _, n := range counts {
		total += n
	}
	for i, e := range errs {
		if i == 20 {
			break
		}
		fmt.Fprintf(w, "skipped: %v\n", e)
	}
	if total > 20 {
		fmt.Fprintf(w, "... %d input records skipped in all (see the summary)\n", total)
	}
}

// spreadPaths rewrites "--adt a b --access c" as "--adt a --adt b
// --access c", so that several paths may follow one list flag.
func spreadPaths(args []string, lists ...string) []string {
	var out []string
	current := ""
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, hasValue := flagName(arg)
		switch {
		case name != "":
			current = ""
			out = append(out, arg)
			if contains(lists, name) {
				current = name
				if !hasValue && i+1 < len(args) {
					i++
					out = append(out, args[i])
				}
			}
		case current != "":
			out = append(out, "--"+current, arg)
		default:
			out = append(out, arg)
		}
	}
	return out
}

// flagName returns the name of a flag argument ("--adt" or "-adt=x"), and
// whether it carries its value.
func flagName(arg string) (string, bool) {
	if len(arg) < 2 || arg[0] != '-' || arg == "--" {
		return "", false
	}
	name := strings.TrimLeft(arg, "-")
	if i := strings.IndexByte(name, '='); i >= 0 {
		return name[:i], true
	}
	return name, false
}

// privacyReport runs "vigil privacy report": every access to one
// patient's record, for the patient.
func privacyReport(args []string, stdout, stderr io.Writer) error {
	var pf privacyFlags
	fs := flag.NewFlagSet("privacy report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pf.inputFlags(fs)
	fs.StringVar(&pf.patient, "patient", "", "the patient's NHS number")
	fs.StringVar(&pf.format, "format", "csv", "report format: fhir (a Bundle of AuditEvents), csv or pdf")
	fs.StringVar(&pf.data, "data", "", "Vigil data folder in which the report is recorded as evidence (default "+serve.DefaultData+" when it exists)")
	fs.StringVar(&pf.by, "by", "", "who gives the report, for the record (default the login name)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vigil privacy report --patient NHS_NUMBER --staff FILE --adt PATH... --access PATH... [--format fhir|csv|pdf] [--output FILE] [--data DIR] [--by NAME]\n\n"+
			"Every access to one patient's record: who, when, and why it was explained or that it is under review.\n\n")
		fs.PrintDefaults()
	}
	if err := pf.parseInputs(fs, args); err != nil {
		return err
	}
	nhs := access.NormaliseNHSNumber(pf.patient)
	if nhs == "" {
		return usageErr("--patient NHS_NUMBER is required")
	}
	if !slices.Contains(privacy.ReportFormats, pf.format) {
		return usageErr("--format %q: want %s", pf.format, strings.Join(privacy.ReportFormats, ", "))
	}
	res, err := runPrivacy(pf, stderr)
	if err != nil {
		return err
	}
	pr := res.PatientReport(nhs, time.Now())
	if err := recordPatientReport(pf, pr, stderr); err != nil {
		return err
	}
	dst, _, closeOut, err := openOutput(pf.output, stdout)
	if err != nil {
		return err
	}
	if err := privacy.WriteReport(dst, pf.format, pr); err != nil {
		closeOut()
		return err
	}
	return closeOut()
}
