package privacy

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Review is a privacy officer's verdict on one break-glass: whether the
// emergency access was justified, and why.
type Review struct {
	EventID   string // the AuditEvent id of the break-glass start
	UserID    string
	PatientID string // NHS number
	Justified bool
	Reason    string
}

var reviewColumns = []string{"event_id", "user_id", "patient_id", "justified", "reason"}

// ReadReviews reads break-glass reviews as CSV with the header
// event_id,user_id,patient_id,justified,reason. justified is true/false,
// yes/no or 1/0; a row with another value gives an *InputError.
func ReadReviews(r io.Reader, name string) ([]Review, []error, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("reviews %s: read header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range reviewColumns[:4] {
		if _, ok := col[c]; !ok {
			return nil, nil, fmt.Errorf("reviews %s: header lacks column %s (want %s)", name, c, strings.Join(reviewColumns, ","))
		}
	}
	var out []Review
	var errs []error
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, errs, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return out, errs, fmt.Errorf("reviews %s: %w", name, err)
			}
			errs = append(errs, &InputError{Kind: "reviews", File: name, Line: pe.Line, Msg: pe.Err.Error()})
			continue
		}
		line, _ := cr.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rv := Review{EventID: get("event_id"), UserID: get("user_id"), PatientID: get("patient_id"), Reason: get("reason")}
		switch strings.ToLower(get("justified")) {
		case "true", "yes", "y", "1":
			rv.Justified = true
		case "false", "no", "n", "0":
		default:
			errs = append(errs, &InputError{Kind: "reviews", File: name, Line: line, Field: "justified", Msg: fmt.Sprintf("%q is not true or false", get("justified"))})
			continue
		}
		out = append(out, rv)
	}
}
