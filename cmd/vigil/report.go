package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/report"
	"github.com/vigilhealth/vigil/internal/serve"
)

const reportUsage = `Usage:
  vigil report board --data DIR|--postgres DSN [--period 2026-Q3|2026-11|last-30-days] [--caf FILE] [--caf-supplement FILE] [--assets FILE] [--register FILE]
                     [--staff FILE --training FILE] [--phishing FILE] [--record]
                     --format html|pdf --output FILE
  vigil report staff --data DIR|--postgres DSN [--month 2026-11] [--report-to TEXT] --format html|pdf --output FILE
`

// reportOptions are the flags both reports share.
type reportOptions struct {
	o                report.Options
	period, format   string
	output, reportTo string
	record           bool
	// postgres is the shared database to read in place of the data
	// folder; dataGiven says whether --data was given with it (its files
	// then still name the CAF framework and hold the feeds).
	postgres  string
	dataGiven bool
}

func reportCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, reportUsage)
		return usageErr("name a report: board or staff")
	}
	switch args[0] {
	case "board", "staff":
		return writeReport(args[0], args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, reportUsage)
		return nil
	}
	return usageErr("unknown report %q (want board or staff)", args[0])
}

func parseReport(kind string, args []string, stderr io.Writer) (reportOptions, error) {
	var r reportOptions
	fs := flag.NewFlagSet("report "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, serve.DefaultData, "Vigil data folder to report on; with --postgres, only the files it names (CAF, feeds)")
	fs.StringVar(&r.format, "format", "", "html or pdf")
	fs.StringVar(&r.output, "output", "", "file to write")
	fs.StringVar(&r.o.Staff, "staff", "", "staff directory CSV; default the one vigil people import stored")
	fs.StringVar(&r.o.Training, "training", "", "training records CSV; default the ones vigil people import stored")
	if kind == "board" {
		fs.StringVar(&r.period, "period", "", "quarter (2026-Q3), month (2026-11) or the last N days to today (last-30-days); default the current quarter")
		fs.StringVar(&r.o.CAF, "caf", "", "CAF YAML to assess against; default the one named in DIR/"+report.CAFFile)
		fs.StringVar(&r.o.CAFSupplement, "caf-supplement", "", "extra objectives in the CAF's form, such as the DSPT's objective E; default the one named in DIR/"+report.SupplementFile)
		fs.StringVar(&r.o.Assets, "assets", "", "asset CSV (name,vendor,product,version,...)")
		fs.StringVar(&r.o.Register, "register", "", "risk register of unsupported systems (YAML or CSV); default the one in DIR/"+estate.RegisterFile)
		fs.StringVar(&r.o.Phishing, "phishing", "", "GoPhish results CSV; default the campaigns vigil people import stored")
		fs.BoolVar(&r.record, "record", false, "append this CAF assessment to DIR/"+assure.HistoryFile+" so later reports show the trend")
	} else {
		fs.StringVar(&r.period, "month", "", "month (2026-11); default the current month")
		fs.StringVar(&r.reportTo, "report-to", "the IT service desk", "how staff report a concern, in words")
	}
	fs.Usage = func() {
		fmt.Fprint(stderr, reportUsage+"\nWrite the "+kind+" report from a data folder, or from the shared database of a scaled-out deployment.\n\n")
		fs.PrintDefaults()
	}
	if err := parseNoArgs(fs, args); err != nil {
		return r, err
	}
	var err error
	if r.o.Data, r.postgres, err = stores.choose(stderr, true); err != nil {
		return r, err
	}
	r.dataGiven = flagGiven(fs, "data")
	if r.format != "html" && r.format != "pdf" {
		return r, usageErr("--format %q: want html or pdf", r.format)
	}
	if r.output == "" {
		return r, usageErr("give --output FILE")
	}
	r.o.Now = time.Now()
	switch {
	case r.period != "":
		p, err := report.ParsePeriodAt(r.period, r.o.Now)
		if err != nil {
			return r, usageErr("%v", err)
		}
		r.o.Period = p
	case kind == "board":
		r.o.Period = report.QuarterOf(r.o.Now)
	default:
		r.o.Period = report.MonthOf(r.o.Now)
	}
	return r, nil
}

func writeReport(kind string, args []string, stdout, stderr io.Writer) error {
	r, err := parseReport(kind, args, stderr)
	if err != nil {
		return err
	}
	src, done, err := reportSources(r)
	if err != nil {
		return err
	}
	defer done()
	ctx := context.Background()
	facts, err := report.GatherFrom(ctx, src, r.o)
	if err != nil {
		return err
	}
	doc := report.Board(facts)
	if kind == "staff" {
		doc = report.Staff(facts, r.reportTo)
	}
	if err := writeDoc(r.output, r.format, doc); err != nil {
		return err
	}
	if r.record {
		if err := report.Record(ctx, src.Assurance, facts); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote the %s report for %s to %s\n", kind, r.o.Period.Name, r.output)
	return nil
}

// reportSources are the data folder's stores, or with --postgres the
// shared database's; done releases them.
func reportSources(r reportOptions) (src *report.Sources, done func(), err error) {
	if r.postgres == "" {
		if _, err := os.Stat(r.o.Data); err != nil {
			return nil, nil, fmt.Errorf("report: data folder: %w", err)
		}
		src = report.FolderSources(r.o.Data)
		return src, func() { src.Close() }, nil
	}
	db, err := openShared(r.postgres)
	if err != nil {
		return nil, nil, err
	}
	data := ""
	if r.dataGiven {
		data = r.o.Data
	}
	return serve.ReportSources(db, data, true), db.Close, nil
}
