package main

import (
	"errors"
	"flag"
	"io"
	"testing"
	"time"
)

// TestDateFlag: a YYYY-MM-DD value is read as that day in UTC; anything
// else is refused as a usage error naming the flag and the form.
func TestDateFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want time.Time
		err  string // "" when accepted
	}{
		{"unset is zero", nil, time.Time{}, ""},
		{"a date", []string{"--on", "2026-11-01"}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ""},
		{"a leap day", []string{"--on=2028-02-29"}, time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), ""},
		{"day first", []string{"--on", "01/11/2026"}, time.Time{}, `invalid value "01/11/2026" for flag -on: want a date YYYY-MM-DD`},
		{"no such day", []string{"--on", "2026-02-30"}, time.Time{}, `invalid value "2026-02-30" for flag -on: want a date YYYY-MM-DD`},
		{"a time too", []string{"--on", "2026-11-01T10:00:00Z"}, time.Time{}, `invalid value "2026-11-01T10:00:00Z" for flag -on: want a date YYYY-MM-DD`},
		{"empty", []string{"--on", ""}, time.Time{}, `invalid value "" for flag -on: want a date YYYY-MM-DD`},
		{"an argument left", []string{"--on", "2026-11-01", "extra"}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var d dateFlag
		fs.Var(&d, "on", "a day")
		err := parseNoArgs(fs, tc.args)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		case tc.err != "" && !errors.As(err, new(usageError)):
			t.Errorf("%s: %T is not a usage error (exit code 2)", tc.name, err)
		}
		if !d.t.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, d.t, tc.want)
		}
	}
}

// TestParseNoArgsHelp: -h stays a request for help, not a usage error.
func TestParseNoArgsHelp(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := parseNoArgs(fs, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
}

// FuzzDateFlag: a value is accepted exactly when it is a YYYY-MM-DD date,
// and an accepted one prints back as given; a refused one leaves the flag
// as it was.
func FuzzDateFlag(f *testing.F) {
	for _, s := range []string{"2026-11-01", "2028-02-29", "2026-02-30", "1/10/2026", "14/01/2027", "2026-1-1", "", "2026-11-01T10:00:00Z", " 2026-11-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := dateFlag{t: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
		err := d.Set(s)
		want, perr := time.Parse(time.DateOnly, s)
		switch {
		case (err == nil) != (perr == nil):
			t.Fatalf("Set(%q): %v, time.Parse: %v", s, err, perr)
		case err != nil && d.String() != "2000-01-01":
			t.Fatalf("refused %q changed the flag to %s", s, d.String())
		case err == nil && (!d.t.Equal(want) || d.String() != s):
			t.Fatalf("Set(%q) gives %v, printed %q", s, d.t, d.String())
		}
	})
}
