package estate

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Row is a Finding as Vigil writes it (vigil estate check --format jsonl,
// and the API): dates as YYYY-MM-DD, null where not known.
type Row struct {
	Name            string     `json:"name"`
	Vendor          string     `json:"vendor"`
	Product         string     `json:"product"`
	Version         string     `json:"version"`
	OS              string     `json:"os"`
	OSVersion       string     `json:"os_version"`
	IP              string     `json:"ip"`
	Owner           string     `json:"owner"`
	Location        string     `json:"location"`
	EOL             bool       `json:"eol"`
	EOLKnown        bool       `json:"eol_known"`
	EOLDate         *string    `json:"eol_date"`
	EOLProduct      *string    `json:"eol_product"`
	EOLCycle        *string    `json:"eol_cycle"`
	EOLSource       *string    `json:"eol_source"`
	EOLNote         string     `json:"eol_note,omitempty"`
	SupportEnd      *string    `json:"support_end"`
	ExtendedSupport *string    `json:"extended_support"`
	KEV             []string   `json:"kev"`
	KEVCount        int        `json:"kev_count"`
	Ransomware      bool       `json:"ransomware"`
	KEVNote         *string    `json:"kev_note"`
	KEVProducts     []string   `json:"kev_products,omitempty"`
	Software        []Software `json:"software,omitempty"`
	Sources         []string   `json:"sources,omitempty"`
	FirstSeen       *time.Time `json:"first_seen,omitempty"`
	LastSeen        *time.Time `json:"last_seen,omitempty"`
}

// Row renders f for output.
func (f Finding) Row() Row {
	r := Row{
		Name: f.Name, Vendor: f.Vendor, Product: f.Product, Version: f.Version, OS: f.OS, OSVersion: f.OSVersion,
		IP: f.IP, Owner: f.Owner, Location: f.Location,
		EOL: f.EOL, EOLKnown: f.EOLKnown, EOLDate: dateOrNil(f.EOLDate),
		EOLProduct: strOrNil(f.EOLProduct), EOLCycle: strOrNil(f.EOLCycle), EOLSource: strOrNil(f.EOLSource), EOLNote: f.EOLNote,
		SupportEnd: dateOrNil(f.SupportEnd), ExtendedSupport: dateOrNil(f.ExtendedSupport),
		KEV: make([]string, 0, len(f.KEV)), KEVCount: len(f.KEV), Ransomware: f.Ransomware,
		KEVNote: strOrNil(f.KEVNote), KEVProducts: f.KEVProducts, Software: f.Software, Sources: f.Sources,
		FirstSeen: timeOrNil(f.FirstSeen), LastSeen: timeOrNil(f.LastSeen),
	}
	for _, v := range f.KEV {
		r.KEV = append(r.KEV, v.CVE)
	}
	return r
}

func dateOrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(dateLayout)
	return &s
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// Formats are the output formats WriteFindings knows.
var Formats = []string{"table", "jsonl", "csv"}

// WriteFindings writes findings in format: "jsonl" (one Row per line),
// "csv" (the Row's scalar fields, CVE ids joined by spaces) or "table".
func WriteFindings(w io.Writer, format string, fs []Finding) error {
	switch format {
	case "jsonl":
		return writeJSONL(w, fs)
	case "csv":
		return writeCSV(w, fs)
	case "table":
		return writeTable(w, fs)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

func writeJSONL(w io.Writer, fs []Finding) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range fs {
		if err := enc.Encode(f.Row()); err != nil {
			return err
		}
	}
	return nil
}

var csvHeader = []string{"name", "vendor", "product", "version", "os", "os_version", "ip", "owner", "location",
	"eol", "eol_known", "eol_date", "eol_product", "eol_cycle", "eol_source", "support_end", "extended_support",
	"kev_count", "ransomware", "kev"}

func writeCSV(w io.Writer, fs []Finding) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, f := range fs {
		r := f.Row()
		cw.Write([]string{r.Name, r.Vendor, r.Product, r.Version, r.OS, r.OSVersion, r.IP, r.Owner, r.Location,
			strconv.FormatBool(r.EOL), strconv.FormatBool(r.EOLKnown), deref(r.EOLDate), deref(r.EOLProduct), deref(r.EOLCycle),
			deref(r.EOLSource), deref(r.SupportEnd), deref(r.ExtendedSupport),
			strconv.Itoa(r.KEVCount), strconv.FormatBool(r.Ransomware), strings.Join(r.KEV, " ")})
	}
	cw.Flush()
	return cw.Error()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func writeTable(w io.Writer, fs []Finding) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRUNS\tEND OF LIFE\tSINCE/UNTIL\tKEV\tRANSOMWARE")
	for _, f := range fs {
		status := "no"
		switch {
		case !f.EOLKnown:
			status = "unknown"
		case f.EOL:
			status = "YES"
		}
		ransom := ""
		if f.Ransomware {
			ransom = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", f.Name, runs(f.Asset), status, formatDate(f.EOLDate), len(f.KEV), ransom)
	}
	return tw.Flush()
}

// runs describes what an asset runs, for the table.
func runs(a Asset) string {
	var parts []string
	for _, s := range []string{strings.TrimSpace(a.Vendor + " " + a.Product + " " + a.Version), strings.TrimSpace(a.OS + " " + a.OSVersion)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " / ")
}
