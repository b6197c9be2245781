package main

import (
	"errors"
	"flag"
	"time"
)

// parseNoArgs parses flags and refuses positional arguments. A flag the
// flag package refuses (unknown, or a value it cannot read) is a usage
// error, as an unexpected argument is: the command was called wrongly.
// The flag package has already printed what was wrong and the usage.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// dateFlag is a YYYY-MM-DD flag; unset it is the zero time. A value it
// cannot read is refused by the flag package as
// `invalid value "1/10/2026" for flag -date: want a date YYYY-MM-DD`.
type dateFlag struct{ t time.Time }

func (d *dateFlag) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d *dateFlag) Set(s string) error {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return errors.New("want a date YYYY-MM-DD")
	}
	d.t = t
	return nil
}
