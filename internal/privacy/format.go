package privacy

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Formats are the output formats Write accepts.
var Formats = []string{"table", "csv", "jsonl"}

// Write writes the result's cases and summary in format.
func Write(w io.Writer, format string, res *Result) error {
	switch format {
	case "jsonl":
		return WriteJSONL(w, res)
	case "csv":
		return WriteCSV(w, res)
	case "table":
		return WriteTable(w, res)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// WriteJSONL writes one JSON object per case, then the line
// {"summary": {...}}.
func WriteJSONL(w io.Writer, res *Result) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range res.Cases {
		if err := enc.Encode(&res.Cases[i]); err != nil {
			return fmt.Errorf("write case %s: %w", res.Cases[i].ID, err)
		}
	}
	if err := enc.Encode(struct {
		Summary Summary `json:"summary"`
	}{res.Summary}); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return bw.Flush()
}

// csvHeader are the columns of WriteCSV.
var csvHeader = []string{"case_id", "user_id", "patient_id", "kinds", "score", "first_seen", "last_seen", "accesses",
	"user_name", "user_role", "department", "patient_name", "patients", "evidence"}

// WriteCSV writes one row per case; kinds and patients are joined with
// ";", evidence sentences with a space. The summary is not written.
func WriteCSV(w io.Writer, res *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, c := range res.Cases {
		row := []string{c.ID, c.UserID, c.PatientID, strings.Join(c.Kinds, ";"), strconv.Itoa(c.Score),
			c.FirstSeen.Format(time.RFC3339), c.LastSeen.Format(time.RFC3339), strconv.Itoa(c.Accesses),
			c.UserName, c.UserRole, c.Department, c.PatientName, strings.Join(c.Patients, ";"), strings.Join(c.Evidence, " ")}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTable writes the cases as a table for a person, each followed by
// its evidence, then the summary.
func WriteTable(w io.Writer, res *Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tSCORE\tUSER\tPATIENT\tACCESSES\tFIRST SEEN\tKINDS")
	for _, c := range res.Cases {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%s\t%s\n", c.ID, c.Score, c.UserID, c.PatientID, c.Accesses,
			c.FirstSeen.Format("2006-01-02 15:04Z"), strings.Join(c.Kinds, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range res.Cases {
		fmt.Fprintf(w, "\n%s (score %d)\n", c.ID, c.Score)
		for _, e := range c.Evidence {
			fmt.Fprintf(w, "  - %s\n", e)
		}
	}
	s := res.Summary
	pct := 0.0
	if s.Accesses > 0 {
		pct = 100 * float64(s.Explained) / float64(s.Accesses)
	}
	fmt.Fprintf(w, "\n%d records opened, %d explained (%.1f%%), %d cases; %d searches, %d break-glass, %d events skipped\n",
		s.Accesses, s.Explained, pct, s.Cases, s.Searches, s.BreakGlass, s.Skipped)
	fmt.Fprintf(w, "explained by: %s\n", joinCounts(s.ByExplanation))
	if len(s.InputErrors) > 0 {
		fmt.Fprintf(w, "input errors: %s\n", joinCounts(s.InputErrors))
	}
	return nil
}

// joinCounts writes a map of counts as "a 3, b 1", largest first.
func joinCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
