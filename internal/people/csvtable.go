package people

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// column is one column an importer reads: its name, the other headings
// exports give it, and whether the file must have it.
type column struct {
	name     string
	aliases  []string
	required bool
}

// csvTable reads a CSV file with a header row, giving each row's fields
// by column name and its line number for errors.
type csvTable struct {
	file string
	r    *csv.Reader
	idx  map[string]int // column name -> field index
}

// row is one data row of a csvTable.
type row struct {
	t      *csvTable
	line   int
	fields []string
}

// openCSV reads the header row and maps it onto cols, refusing the file
// when a required column is missing (naming every missing one) or a
// column appears twice. Columns it does not know are ignored.
func openCSV(r io.Reader, file string, cols []column) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{File: file, Line: 1, Reason: "empty file: no header row"}
	}
	if err != nil {
		return nil, csvErr(file, err)
	}
	t := &csvTable{file: file, r: cr, idx: map[string]int{}}
	byHeading := map[string]string{}
	for _, c := range cols {
		byHeading[c.name] = c.name
		for _, a := range c.aliases {
			byHeading[a] = c.name
		}
	}
	for i, h := range header {
		name, ok := byHeading[normalHeading(h)]
		if !ok {
			continue
		}
		if _, dup := t.idx[name]; dup {
			return nil, &ImportError{File: file, Line: 1, Field: name, Reason: fmt.Sprintf("column %s appears twice (heading %q)", name, h)}
		}
		t.idx[name] = i
	}
	var missing []string
	for _, c := range cols {
		if _, ok := t.idx[c.name]; c.required && !ok {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return nil, &ImportError{File: file, Line: 1, Reason: "missing required column(s): " + strings.Join(missing, ", ")}
	}
	return t, nil
}

// has reports whether the file has a column.
func (t *csvTable) has(name string) bool {
	_, ok := t.idx[name]
	return ok
}

// next returns the next data row, io.EOF at the end, or an *ImportError.
// Blank lines are skipped by encoding/csv. The row's fields are valid
// until the next call.
func (t *csvTable) next() (row, error) {
	fields, err := t.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return row{}, io.EOF
		}
		return row{}, csvErr(t.file, err)
	}
	line, _ := t.r.FieldPos(0)
	return row{t: t, line: line, fields: fields}, nil
}

// get returns a column's trimmed value, "" when the file lacks it.
func (rw row) get(name string) string {
	i, ok := rw.t.idx[name]
	if !ok || i >= len(rw.fields) {
		return ""
	}
	return strings.TrimSpace(rw.fields[i])
}

// errorf builds an *ImportError for this row and a column.
func (rw row) errorf(field, format string, args ...any) *ImportError {
	return &ImportError{File: rw.t.file, Line: rw.line, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// require returns a column's value or an error naming it when empty.
func (rw row) require(name string) (string, error) {
	v := rw.get(name)
	if v == "" {
		return "", rw.errorf(name, "empty; every row needs a %s", name)
	}
	return v, nil
}

// csvErr turns an encoding/csv error into an *ImportError with its line.
func csvErr(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ImportError{File: file, Line: pe.Line, Reason: pe.Err.Error()}
	}
	return &ImportError{File: file, Reason: err.Error()}
}

// normalHeading folds a column heading to the form columns are named in:
// lower case, words joined by underscores, without a byte-order mark.
func normalHeading(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '/':
			return '_'
		}
		return r
	}, h)
}
