package privacy

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadRoster checks that no roster input panics, that every problem
// is an *InputError or a header error, and that every staff member read
// has a user id.
func FuzzReadRoster(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "trust", "staff.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("user_id,given_name,family_name,job_role,department,address,postcode,start_date,end_date\n\"a,b\n"))
	f.Add([]byte("\ufeffUSER_ID, given_name,family_name,job_role,department,address,postcode,start_date,end_date,x\nA,,,,,,,2020-13-01,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		staff, errs, err := ReadRoster(bytes.NewReader(data), "fuzz.csv")
		if err != nil && (staff != nil || errs != nil) {
			t.Fatalf("fatal error %v with results", err)
		}
		for _, e := range errs {
			var ie *InputError
			if !errors.As(e, &ie) || ie.File != "fuzz.csv" {
				t.Fatalf("error %v is not an *InputError naming the file", e)
			}
		}
		for _, s := range staff {
			if s.ID == "" {
				t.Fatalf("staff without user id: %+v", s)
			}
		}
	})
}

// FuzzReadVIP checks that every number the watch-list reader accepts is a
// valid NHS number and every refused line is reported with its line.
func FuzzReadVIP(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "trust", "vip.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("943 476 5919\r\n# x\n999-000-0018\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		nums, errs, _ := ReadVIP(bytes.NewReader(data), "vip")
		for _, n := range nums {
			if len(n) != 10 || strings.ContainsAny(n, " -") {
				t.Fatalf("accepted %q", n)
			}
		}
		for _, e := range errs {
			var ie *InputError
			if !errors.As(e, &ie) || ie.Line < 1 {
				t.Fatalf("error %v has no line", e)
			}
		}
	})
}

// FuzzReadReviews checks that no reviews input panics and refused rows
// are *InputErrors.
func FuzzReadReviews(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "trust", "breakglass_reviews.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, errs, _ := ReadReviews(bytes.NewReader(data), "reviews")
		for _, e := range errs {
			var ie *InputError
			if !errors.As(e, &ie) {
				t.Fatalf("error %v is not an *InputError", e)
			}
		}
	})
}
