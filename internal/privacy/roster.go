package privacy

import (
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
	var out []Staff
	errs, err := readTable(r, name, "staff", rosterColumns, func(get func(string) string) []*InputError {
		s, problems := rosterRow(get)
		if s.ID != "" {
			out = append(out, s)
		}
		return problems
	})
	return out, errs, err
}

// rosterRow reads one row; problems name the column.
func rosterRow(get func(string) string) (Staff, []*InputError) {
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
