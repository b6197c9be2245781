package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/report"
	"github.com/vigilhealth/vigil/internal/serve"
)

const assureUsage = `Usage:
  vigil assure evidence add [--data DIR|--postgres DSN] --indicators A1.a.5,... --summary TEXT --owner NAME
             [--holds=false] [--date 2026-11-01] [--expires 2027-11-01] [--attachment FILE|URL] [--id ID] [--caf FILE]
  vigil assure evidence list [--data DIR|--postgres DSN] [--format table|jsonl]

Evidence a person records (a policy signed off, an exercise run, a review
held) joins what Vigil collects from its own data in the CAF assessment of
the board pack. Recording again under an id already kept corrects it.
`

// attachmentsDir is where attachments are copied in the data folder.
const attachmentsDir = "assure/attachments"

func assureCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 || args[0] != "evidence" || (args[1] != "add" && args[1] != "list") {
		fmt.Fprint(stderr, assureUsage)
		return usageErr("want: evidence add or evidence list")
	}
	fs := flag.NewFlagSet("assure evidence "+args[1], flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, serve.DefaultData, "data folder of vigil serve (role all)")
	format := new(string)
	var in evidenceInput
	if args[1] == "list" {
		fs.StringVar(format, "format", "table", "table or jsonl")
	} else {
		in.flags(fs)
	}
	if err := parseNoArgs(fs, args[2:]); err != nil {
		return err
	}
	data, dsn, err := stores.choose(stderr, false)
	if err != nil {
		return err
	}
	if args[1] == "list" {
		return listEvidence(data, dsn, *format, stdout)
	}
	return addEvidence(data, dsn, &in, stdout)
}

// evidenceInput is what vigil assure evidence add is given.
type evidenceInput struct {
	id, indicators, summary, owner, attachment, caf string
	date, expires                                   dateFlag
	holds                                           bool
}

func (in *evidenceInput) flags(fs *flag.FlagSet) {
	fs.StringVar(&in.id, "id", "", "the item's id, to correct it later (default: manual- and the time)")
	fs.StringVar(&in.indicators, "indicators", "", "the CAF statements it speaks to, comma-separated (such as B2.a.3,B2.a.4)")
	fs.BoolVar(&in.holds, "holds", true, "whether the statements hold on this evidence")
	fs.StringVar(&in.summary, "summary", "", "what was seen or done, in plain words")
	fs.StringVar(&in.owner, "owner", "", "who answers for it")
	fs.Var(&in.date, "date", "when it was seen or done, YYYY-MM-DD (default today)")
	fs.Var(&in.expires, "expires", "when it stops counting, YYYY-MM-DD (default never)")
	fs.StringVar(&in.attachment, "attachment", "", "a file, copied into the data folder, or a URL or document reference")
	fs.StringVar(&in.caf, "caf", "", "CAF YAML the indicators are checked against (default: the one named in DIR/"+report.CAFFile+")")
}

// evidence checks the input and builds the item, at now.
func (in *evidenceInput) evidence(now time.Time) (assure.Evidence, error) {
	e := assure.Evidence{ID: in.id, Holds: in.holds, Summary: strings.TrimSpace(in.summary),
		Owner: strings.TrimSpace(in.owner), Source: "manual", Collected: now.UTC().Truncate(time.Second)}
	for _, id := range strings.Split(in.indicators, ",") {
		if id = strings.TrimSpace(id); id != "" {
			e.Indicators = append(e.Indicators, id)
		}
	}
	switch {
	case len(e.Indicators) == 0:
		return e, usageErr("--indicators: name at least one CAF statement, such as B2.a.3")
	case e.Summary == "":
		return e, usageErr("--summary: say what was seen or done")
	case e.Owner == "":
		return e, usageErr("--owner: say who answers for this evidence")
	}
	if !in.date.t.IsZero() {
		e.Collected = in.date.t
	}
	if !in.expires.t.IsZero() {
		e.Expires = in.expires.t
		if !e.Expires.After(e.Collected) {
			return e, usageErr("--expires %s is not after the evidence's date %s", &in.expires, e.Collected.Format(time.DateOnly))
		}
	}
	if e.ID == "" {
		e.ID = "manual-" + now.UTC().Format("20060102T150405.000")
	}
	return e, nil
}

// checkIndicators refuses evidence naming statements the framework lacks,
// when a framework is given or named in the data folder.
func checkIndicators(e assure.Evidence, cafPath, data string) error {
	if cafPath == "" && data != "" {
		b, err := os.ReadFile(filepath.Join(data, report.CAFFile))
		if errors.Is(err, fs.ErrNotExist) {
			return nil // no framework recorded: the ids are checked when a report is made
		}
		if err != nil {
			return err
		}
		cafPath = strings.TrimSpace(string(b))
	}
	if cafPath == "" {
		return nil
	}
	fw, err := assure.Load(cafPath)
	if err != nil {
		return err
	}
	return assure.CheckEvidence(fw, []assure.Evidence{e})
}

func addEvidence(data, dsn string, in *evidenceInput, stdout io.Writer) error {
	e, err := in.evidence(time.Now())
	if err != nil {
		return err
	}
	checkData := data
	if dsn != "" && in.caf == "" {
		checkData = ""
	}
	if err := checkIndicators(e, in.caf, checkData); err != nil {
		return err
	}
	st, where, done, err := assureStore(data, dsn)
	if err != nil {
		return err
	}
	defer done()
	if e.Attachment, err = attach(in.attachment, data, dsn != ""); err != nil {
		return err
	}
	if err := st.RecordEvidence(context.Background(), e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded evidence %s on %s in %s (%s, owner %s)\n", e.ID, strings.Join(e.Indicators, ", "), where, holdsWord(e.Holds), e.Owner)
	return nil
}

// attach keeps an attachment: a local file is copied into the data
// folder under its SHA-256, so that a later change to it shows; anything
// else (a URL, a document reference) is recorded as given. The shared
// database keeps no files, so with it a local file is refused.
func attach(ref, data string, shared bool) (string, error) {
	if ref == "" {
		return "", nil
	}
	b, err := os.ReadFile(ref)
	if errors.Is(err, fs.ErrNotExist) || (err != nil && strings.Contains(ref, "://")) {
		return ref, nil
	}
	if err != nil {
		return "", fmt.Errorf("--attachment %s: %w", ref, err)
	}
	if shared {
		return "", usageErr("--attachment %s: the shared database keeps no files; put it in the document store and give its URL or reference", ref)
	}
	sum := sha256.Sum256(b)
	rel := filepath.ToSlash(filepath.Join(attachmentsDir, hex.EncodeToString(sum[:8])+"-"+filepath.Base(ref)))
	dst := filepath.Join(data, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", fmt.Errorf("--attachment: %w", err)
	}
	if err := atomicfile.Write(dst, b, 0o600); err != nil {
		return "", fmt.Errorf("--attachment: copy %s into the data folder: %w", ref, err)
	}
	return rel + " (sha256 " + hex.EncodeToString(sum[:]) + ")", nil
}

// assureStore opens the assurance store of the data folder, or of the
// shared database when dsn is set; where says which, for messages.
func assureStore(data, dsn string) (st assure.Store, where string, done func(), err error) {
	if dsn == "" {
		fst, err := assure.OpenFileStore(data)
		if err != nil {
			return nil, "", nil, err
		}
		return fst, data, func() { fst.Close() }, nil
	}
	db, err := openShared(dsn)
	if err != nil {
		return nil, "", nil, err
	}
	return db.Assure(), "the shared database", db.Close, nil
}

func listEvidence(data, dsn, format string, stdout io.Writer) error {
	if format != "table" && format != "jsonl" {
		return usageErr("--format %q: want table or jsonl", format)
	}
	st, _, done, err := assureStore(data, dsn)
	if err != nil {
		return err
	}
	defer done()
	evs, err := st.Evidence(context.Background())
	if err != nil {
		return err
	}
	if format == "jsonl" {
		enc := json.NewEncoder(stdout)
		for _, e := range evs {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tINDICATORS\tHOLDS\tDATE\tEXPIRES\tOWNER\tSUMMARY")
	for _, e := range evs {
		expires := "never"
		if !e.Expires.IsZero() {
			expires = e.Expires.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, strings.Join(e.Indicators, ","), holdsWord(e.Holds),
			e.Collected.Format(time.DateOnly), expires, e.Owner, e.Summary)
	}
	return tw.Flush()
}

func holdsWord(h bool) string {
	if h {
		return "holds"
	}
	return "does not hold"
}
