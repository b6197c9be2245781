package care

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Config fixes one generated trust. The same Config gives the same files.
type Config struct {
	Seed     uint64    // seeds every random choice
	Size     string    // the size name it was made from, written to truth.json
	Staff    int       // members of staff on the roster
	Patients int       // patients with a record at the trust
	Days     int       // days of access log
	Start    time.Time // the first day of the access log (a date; Europe/London)
}

// maxPatients is the number of test NHS numbers available: the 999 range
// holds a million nine-digit stems, of which about one in eleven has no
// valid check digit; a margin is kept for duplicate records.
const maxPatients = 800_000

// DefaultStart is the first day of the log when Config.Start is zero: a
// Monday whose 30 days cross the change to British Summer Time.
var DefaultStart = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)

var sizes = map[string]Config{
	"small":  {Staff: 200, Patients: 5_000, Days: 30},
	"medium": {Staff: 1_000, Patients: 50_000, Days: 30},
	"large":  {Staff: 3_000, Patients: 200_000, Days: 30},
}

// Sizes lists the size names ForSize accepts.
func Sizes() []string {
	var out []string
	for k := range sizes {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return sizes[out[i]].Staff < sizes[out[j]].Staff })
	return out
}

// ForSize returns the Config of a named size (small, medium, large) with
// the given seed.
func ForSize(size string, seed uint64) (Config, error) {
	c, ok := sizes[size]
	if !ok {
		return Config{}, fmt.Errorf("size %q: want one of %s", size, strings.Join(Sizes(), ", "))
	}
	c.Size, c.Seed, c.Start = size, seed, DefaultStart
	return c, nil
}

// Validate reports the first setting that cannot make a trust.
func (c Config) Validate() error {
	switch {
	case c.Staff < 60:
		return fmt.Errorf("staff %d: want at least 60, enough to fill every department", c.Staff)
	case c.Staff > 50_000:
		return fmt.Errorf("staff %d: want at most 50000", c.Staff)
	case c.Patients < 1_000:
		return fmt.Errorf("patients %d: want at least 1000", c.Patients)
	case c.Patients > maxPatients:
		return fmt.Errorf("patients %d: want at most %d (the test NHS number range)", c.Patients, maxPatients)
	case c.Days < 1 || c.Days > 366:
		return fmt.Errorf("days %d: want 1 to 366", c.Days)
	}
	return nil
}

// firstDay is the first day of the log at midnight London time.
func (c Config) firstDay() time.Time {
	s := c.Start
	if s.IsZero() {
		s = DefaultStart
	}
	return time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, london)
}
