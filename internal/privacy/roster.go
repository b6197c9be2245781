package privacy

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Staff is one member of staff from the roster.
type Staff struct {
	ID         string
	Given      string
	Family     string
	Role       string // job role, e.g. "Staff Nurse"
	Department string // e.g. "Ward 7 (Cardiology)"
	Address    string
	Postcode   string
	Start, End time.Time // employment; End is zero for current staff
	// BirthDate and NHSNumber come from the optional columns
	// date_of_birth and nhs_number; they identify staff who are also
	// patients.
	BirthDate time.Time
	NHSNumber string
}

// rosterColumns are the columns the roster must have, in the HR export's
// order; extra columns are ignored.
var rosterColumns = []string{"user_id", "given_name", "family_name", "job_role", "department", "address", "postcode", "start_date", "end_date"}

// ReadRoster reads a roster CSV with a header row. A missing required
// column is fatal (the error names every missing one); a bad row gives an
// *InputError naming the line and column and the other rows are still
// read. name identifies the input in errors.
func ReadRoster(r io.Reader, name string) ([]Staff, []error, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("roster %s: read header: %w", name, err)
	}
	col, err := rosterHeader(header)
	if err != nil {
		return nil, nil, fmt.Errorf("roster %s: %w", name, err)
	}
	var out []Staff
	var errs []error
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, errs, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return out, errs, fmt.Errorf("roster %s: %w", name, err)
			}
			errs = append(errs, &InputError{Kind: "staff", File: name, Line: pe.Line, Msg: pe.Err.Error()})
			continue
		}
		line, _ := cr.FieldPos(0)
		s, problems := rosterRow(rec, col)
		for _, p := range problems {
			p.Kind, p.File, p.Line = "staff", name, line
			errs = append(errs, p)
		}
		if s.ID != "" {
			out = append(out, s)
		}
	}
}

// rosterHeader maps column names (case and spaces ignored) to positions.
func rosterHeader(header []string) (map[string]int, error) {
	col := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	var missing []string
	for _, c := range rosterColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("header lacks required column(s) %s (want %s)", strings.Join(missing, ", "), strings.Join(rosterColumns, ","))
	}
	return col, nil
}

// rosterRow reads one row; problems name the column.
func rosterRow(rec []string, col map[string]int) (Staff, []*InputError) {
	get := func(c string) string {
		i, ok := col[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	s := Staff{
		ID: get("user_id"), Given: get("given_name"), Family: get("family_name"),
		Role: get("job_role"), Department: get("department"),
		Address: get("address"), Postcode: get("postcode"),
		NHSNumber: strings.ReplaceAll(get("nhs_number"), " ", ""),
	}
	var problems []*InputError
	if s.ID == "" {
		problems = append(problems, &InputError{Field: "user_id", Msg: "is empty; row skipped"})
	}
	for _, d := range []struct {
		c   string
		dst *time.Time
	}{{"start_date", &s.Start}, {"end_date", &s.End}, {"date_of_birth", &s.BirthDate}} {
		v := get(d.c)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v, london())
		if err != nil {
			problems = append(problems, &InputError{Field: d.c, Msg: fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", v)})
			continue
		}
		*d.dst = t
	}
	return s, problems
}
