package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/serve"
)

const registerUsage = `Usage:
  vigil estate register add --data DIR --asset NAME [--reason TEXT] [--mitigation TEXT] [--owner NAME]
                            [--support-end DATE] [--review DATE]
  vigil estate register approve --data DIR --asset NAME [--date DATE] [--review DATE]
  vigil estate register list --data DIR [--at DATE] [--format table|jsonl]
`

func registerCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, registerUsage)
		return usageErr("name a subcommand: add, approve or list")
	}
	switch args[0] {
	case "add":
		return registerAdd(args[1:], stdout, stderr)
	case "approve":
		return registerApprove(args[1:], stdout, stderr)
	case "list":
		return registerList(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, registerUsage)
		return nil
	}
	return usageErr("unknown subcommand %q (want add, approve or list)", args[0])
}

// registerFlags parses a register subcommand's flags: --data, --asset and
// the extra ones define adds.
func registerFlags(name string, args []string, stderr io.Writer, define func(fs *flag.FlagSet)) (data, asset string, err error) {
	fs := flag.NewFlagSet("estate register "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&data, "data", serve.DefaultData, "data folder holding the register (estate/register.yaml)")
	if name != "list" {
		fs.StringVar(&asset, "asset", "", "the asset's name, as the inventory knows it")
	}
	define(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, registerUsage+"\nThe risk register of unsupported systems.\n\n")
		fs.PrintDefaults()
	}
	if err := parseNoArgs(fs, args); err != nil {
		return "", "", err
	}
	if name != "list" && strings.TrimSpace(asset) == "" {
		return "", "", usageErr("give --asset NAME")
	}
	return data, strings.TrimSpace(asset), nil
}

// registerAdd adds an entry, or updates the fields given of an existing
// one: the register keeps one entry per asset.
func registerAdd(args []string, stdout, stderr io.Writer) error {
	var reason, mitigation, owner string
	var supportEnd, review dateFlag
	data, asset, err := registerFlags("add", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&reason, "reason", "", "why the system is kept")
		fs.StringVar(&mitigation, "mitigation", "", "how the risk is reduced: segmentation, extended support, ...")
		fs.StringVar(&owner, "owner", "", "who answers for the risk")
		fs.Var(&supportEnd, "support-end", "when support ends or ended (YYYY-MM-DD)")
		fs.Var(&review, "review", "next review (YYYY-MM-DD)")
	})
	if err != nil {
		return err
	}
	reg, _, err := estate.OpenRegister(data)
	if err != nil {
		return err
	}
	e, verb := reg.Entry(asset), "updated"
	if e == nil {
		reg.Entries = append(reg.Entries, estate.RegisterEntry{Asset: asset})
		e, verb = &reg.Entries[len(reg.Entries)-1], "added"
	}
	setIf(&e.Reason, reason)
	setIf(&e.Mitigation, mitigation)
	setIf(&e.Owner, owner)
	if !supportEnd.t.IsZero() {
		e.SupportEnd = supportEnd.t
	}
	if !review.t.IsZero() {
		e.Review = review.t
	}
	if err := estate.SaveRegister(data, reg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s the register entry for %s\n", verb, e.Asset)
	return nil
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// registerApprove records the board's acceptance of an entry's risk.
func registerApprove(args []string, stdout, stderr io.Writer) error {
	var when, review dateFlag
	data, asset, err := registerFlags("approve", args, stderr, func(fs *flag.FlagSet) {
		fs.Var(&when, "date", "when the board approved it (YYYY-MM-DD); default today")
		fs.Var(&review, "review", "next review (YYYY-MM-DD)")
	})
	if err != nil {
		return err
	}
	reg, _, err := estate.OpenRegister(data)
	if err != nil {
		return err
	}
	e := reg.Entry(asset)
	if e == nil {
		return fmt.Errorf("the register in %s has no entry for %q: add it first (vigil estate register add)", estate.RegisterPath(data), asset)
	}
	if e.Reason == "" || e.Mitigation == "" || e.Owner == "" {
		return fmt.Errorf("the entry for %s lacks its reason, mitigation or owner: the board approves a recorded risk, so add them first", e.Asset)
	}
	e.BoardApproved = when.t
	if e.BoardApproved.IsZero() {
		e.BoardApproved = time.Now().UTC().Truncate(24 * time.Hour)
	}
	if !review.t.IsZero() {
		e.Review = review.t
	}
	if err := estate.SaveRegister(data, reg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded the board's approval of %s on %s\n", e.Asset, e.BoardApproved.Format(time.DateOnly))
	return nil
}

// registerRow is one entry as list writes it.
type registerRow struct {
	Asset         string `json:"asset"`
	Reason        string `json:"reason"`
	Mitigation    string `json:"mitigation"`
	Owner         string `json:"owner"`
	SupportEnd    string `json:"support_end"`
	Review        string `json:"review"`
	BoardApproved string `json:"board_approved"`
	Status        string `json:"status"` // needs approval, review overdue, ends within 6 months, ...
}

func registerList(args []string, stdout, stderr io.Writer) error {
	var at dateFlag
	var format string
	data, _, err := registerFlags("list", args, stderr, func(fs *flag.FlagSet) {
		fs.Var(&at, "at", "date the statuses are for (YYYY-MM-DD); default today")
		fs.StringVar(&format, "format", "table", "table or jsonl")
	})
	if err != nil {
		return err
	}
	if format != "table" && format != "jsonl" {
		return usageErr("--format %q: want table or jsonl", format)
	}
	when := at.t
	if when.IsZero() {
		when = time.Now().UTC()
	}
	reg, _, err := estate.OpenRegister(data)
	if err != nil {
		return err
	}
	rows := registerRows(reg, when)
	if format == "jsonl" {
		enc := json.NewEncoder(stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ASSET\tSUPPORT ENDS\tOWNER\tMITIGATION\tAPPROVED\tREVIEW\tSTATUS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Asset, r.SupportEnd, r.Owner, r.Mitigation, r.BoardApproved, r.Review, r.Status)
	}
	return tw.Flush()
}

// registerRows turns the register into rows with each entry's status.
func registerRows(reg *estate.Register, at time.Time) []registerRow {
	status := map[string]string{}
	for _, months := range []int{12, 6} { // six months overwrites twelve
		for _, e := range reg.Upcoming(at, months) {
			status[e.Asset] = fmt.Sprintf("support ends within %d months", months)
		}
	}
	for _, e := range reg.Unapproved(at) {
		status[e.Asset] = "out of support: needs the board's approval"
		if !e.BoardApproved.IsZero() {
			status[e.Asset] = "out of support: review overdue"
		}
	}
	rows := make([]registerRow, 0, len(reg.Entries))
	for _, e := range reg.Entries {
		st := status[e.Asset]
		if st == "" && !e.SupportEnd.IsZero() && at.Truncate(24*time.Hour).After(e.SupportEnd) { // the date is support's last day
			st = "out of support: approved"
		}
		rows = append(rows, registerRow{Asset: e.Asset, Reason: e.Reason, Mitigation: e.Mitigation, Owner: e.Owner,
			SupportEnd: dateText(e.SupportEnd), Review: dateText(e.Review), BoardApproved: dateText(e.BoardApproved), Status: st})
	}
	return rows
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
