package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/serve"
)

// errNoMatch is a search that worked and found nothing (exit 1, as grep).
var errNoMatch = errors.New("no event matched")

// searchMain runs vigil search and returns its exit code: 0 with matches,
// 1 with none, 2 on error.
func searchMain(args []string, stdout, stderr io.Writer) int {
	err := searchCmd(args, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errNoMatch):
		return 1
	}
	fmt.Fprintf(stderr, "vigil search: %v\n", err)
	return 2
}

func searchCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", serve.DefaultData, "the data folder of vigil serve")
	since := fs.String("since", "", "only events at or after this time (RFC 3339, or a duration back from now such as 24h)")
	until := fs.String("until", "", "only events before this time")
	limit := fs.Int("limit", eventstore.DefaultLimit, fmt.Sprintf("show at most this many events, newest first (1 to %d)", eventstore.MaxLimit))
	format := fs.String("format", "table", "output format: table or jsonl")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vigil search [options] QUERY...\n\nSearch the events vigil serve has stored, while it runs or not.\n"+
			"QUERY: words and \"phrases\" (in any field), field:value (* wildcards), field>N, host:, source:,\n"+
			"product:, category:, service:, combined with OR, NOT or -, and parentheses.\n\n")
		fs.PrintDefaults()
	}
	words, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	q, err := searchQuery(strings.Join(words, " "), *since, *until, *limit, time.Now())
	if err != nil {
		return err
	}
	if *format != "table" && *format != "jsonl" {
		return fmt.Errorf("--format %q: want table or jsonl", *format)
	}
	st, err := eventstore.OpenReadOnly(filepath.Join(*data, "events"))
	if err != nil {
		return fmt.Errorf("open the event store of %s: %w", *data, err)
	}
	defer st.Close()
	res, err := st.Search(context.Background(), q)
	if err != nil {
		return err
	}
	if *format == "jsonl" {
		err = writeHitsJSONL(stdout, res.Events)
	} else {
		err = writeHitsTable(stdout, res.Events)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d of %d matching events shown (%d read)\n", len(res.Events), res.Matched, res.Scanned)
	if res.Matched == 0 {
		return errNoMatch
	}
	return nil
}

// searchQuery builds the query from the command line.
func searchQuery(text, since, until string, limit int, now time.Time) (eventstore.Query, error) {
	q := eventstore.Query{Limit: limit}
	if limit < 1 || limit > eventstore.MaxLimit {
		return q, fmt.Errorf("--limit %d: want 1 to %d", limit, eventstore.MaxLimit)
	}
	x, err := eventstore.ParseQuery(text)
	if err != nil {
		return q, err
	}
	q.Expr = x
	for _, b := range []struct {
		flag, val string
		dst       *time.Time
	}{{"since", since, &q.Since}, {"until", until, &q.Until}} {
		if b.val == "" {
			continue
		}
		if *b.dst, err = eventstore.ParseTime(b.val, now); err != nil {
			return q, fmt.Errorf("--%s: %w", b.flag, err)
		}
	}
	return q, nil
}

func writeHitsJSONL(w io.Writer, hits []eventstore.Hit) error {
	enc := json.NewEncoder(w)
	for _, h := range hits {
		if err := enc.Encode(h); err != nil {
			return err
		}
	}
	return nil
}

// tellingFields are shown in the table before any other field, in this
// order: what an analyst reads first.
var tellingFields = []string{
	"EventID", "Image", "CommandLine", "TargetUserName", "User", "SubjectUserName", "IpAddress",
	"SourceIp", "DestinationIp", "DestinationPort", "QueryName", "TargetFilename", "ServiceName", "Message", "msg",
}

const tableFields, tableValueWidth = 4, 80

func writeHitsTable(w io.Writer, hits []eventstore.Hit) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tHOST\tSOURCE\tFIELDS")
	for _, h := range hits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Time.UTC().Format(time.RFC3339), orDash(h.Host), orDash(h.Source), tellingSummary(h.Fields))
	}
	return tw.Flush()
}

// tellingSummary renders the most telling fields as name=value.
func tellingSummary(fields eventstore.Fields) string {
	var parts []string
	shown := map[string]bool{}
	add := func(name, value string) {
		if len(parts) >= tableFields || shown[name] {
			return
		}
		shown[name] = true
		value = strings.Join(strings.Fields(value), " ")
		if len(value) > tableValueWidth {
			value = value[:tableValueWidth-3] + "..."
		}
		parts = append(parts, name+"="+value)
	}
	for _, name := range tellingFields {
		if v, ok := fields.Get(name); ok {
			add(name, v)
		}
	}
	for _, p := range fields {
		add(p.Name, p.Value)
	}
	return strings.Join(parts, " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
