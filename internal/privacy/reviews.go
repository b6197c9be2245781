package privacy

import (
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
	var out []Review
	errs, err := readTable(r, name, "reviews", reviewColumns[:4], func(get func(string) string) []*InputError {
		rv := Review{EventID: get("event_id"), UserID: get("user_id"), PatientID: get("patient_id"), Reason: get("reason")}
		switch strings.ToLower(get("justified")) {
		case "true", "yes", "y", "1":
			rv.Justified = true
		case "false", "no", "n", "0":
		default:
			return []*InputError{{Field: "justified", Msg: fmt.Sprintf("%q is not true or false", get("justified"))}}
		}
		out = append(out, rv)
		return nil
	})
	return out, errs, err
}
