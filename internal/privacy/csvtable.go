package privacy

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// readTable reads a CSV with a header row, whose names are compared
// without case, surrounding spaces or a byte-order mark; extra columns are
// ignored. A missing required column is fatal and the error names every
// one missing. Each row goes to row with a getter of its trimmed values
// (empty for a column the file lacks); a row the CSV reader refuses, and
// each problem row returns, becomes an *InputError of kind naming file,
// line and column, and reading goes on. kind also prefixes fatal errors.
func readTable(r io.Reader, name, kind string, required []string, row func(get func(string) string) []*InputError) ([]error, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read header: %w", kind, name, err)
	}
	col := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s %s: header lacks required column(s) %s (want %s)", kind, name, strings.Join(missing, ", "), strings.Join(required, ","))
	}
	var errs []error
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return errs, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return errs, fmt.Errorf("%s %s: %w", kind, name, err)
			}
			errs = append(errs, &InputError{Kind: kind, File: name, Line: pe.Line, Msg: pe.Err.Error()})
			continue
		}
		line, _ := cr.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		for _, p := range row(get) {
			p.Kind, p.File, p.Line = kind, name, line
			errs = append(errs, p)
		}
	}
}
