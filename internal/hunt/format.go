package hunt

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Writer renders detections in one output format.
type Writer interface {
	Write(d *Detection) error
	// Close flushes what is buffered; it does not close the underlying writer.
	Close() error
}

// Formats lists the output formats NewWriter accepts.
var Formats = []string{"table", "csv", "jsonl"}

// NewWriter returns a writer for format ("table", "csv" or "jsonl"). color
// adds ANSI colours to the table, for terminals.
func NewWriter(format string, w io.Writer, color bool) (Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "jsonl":
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &jsonlWriter{bw: bw, enc: enc}, nil
	case "csv":
		cw := csv.NewWriter(bw)
		err := cw.Write([]string{"timestamp", "level", "rule_id", "rule_title", "computer", "source", "record", "tags", "event"})
		return &csvWriter{bw: bw, cw: cw}, err
	case "table":
		return &tableWriter{bw: bw, color: color}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

type jsonlWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func (j *jsonlWriter) Write(d *Detection) error { return j.enc.Encode(d) }
func (j *jsonlWriter) Close() error             { return j.bw.Flush() }

type csvWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func (c *csvWriter) Write(d *Detection) error {
	details := any(d.Event)
	if d.Correlation != nil {
		details = d.Correlation
	}
	js, err := json.Marshal(details)
	if err != nil {
		return err
	}
	return c.cw.Write([]string{
		d.Timestamp.Format(time.RFC3339Nano), d.Level, d.RuleID, d.RuleTitle, d.Computer,
		d.Source, strconv.FormatUint(d.Record, 10), strings.Join(d.Tags, " "), string(js),
	})
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

// tableWriter streams fixed-width rows, so a long hunt shows findings as it
// goes instead of after aligning everything at the end.
type tableWriter struct {
	bw     *bufio.Writer
	color  bool
	header bool
}

var levelColors = map[string]string{
	"critical": "\x1b[1;97;41m", "high": "\x1b[1;31m", "medium": "\x1b[33m", "low": "\x1b[36m", "informational": "\x1b[2m",
}

const tableRow = "%-20s  %-8s  %-56s  %-26s  %s\n"

func (t *tableWriter) Write(d *Detection) error {
	if !t.header {
		t.header = true
		fmt.Fprintf(t.bw, tableRow, "TIME (UTC)", "LEVEL", "RULE", "COMPUTER", "WHERE")
	}
	where := d.Source + ":" + strconv.FormatUint(d.Record, 10)
	if d.Correlation != nil {
		where = fmt.Sprintf("%d events, %s", d.Correlation.EventCount, groupText(d.Correlation.GroupBy))
	}
	level := fmt.Sprintf("%-8s", clip(d.Level, 8))
	if c, ok := levelColors[d.Level]; ok && t.color {
		level = c + level + "\x1b[0m"
	}
	_, err := fmt.Fprintf(t.bw, "%-20s  %s  %-56s  %-26s  %s\n",
		d.Timestamp.Format("2006-01-02 15:04:05"), level, clip(d.RuleTitle, 56), clip(d.Computer, 26), where)
	return err
}

func (t *tableWriter) Close() error { return t.bw.Flush() }

func groupText(g map[string]string) string {
	parts := make([]string, 0, len(g))
	for k, v := range g {
		parts = append(parts, k+"="+v)
	}
	sortStrings(parts)
	return strings.Join(parts, " ")
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
