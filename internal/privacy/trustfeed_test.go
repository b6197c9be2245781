package privacy

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// trustLists reads a generated trust's roster, watch list and reviews.
func trustLists(tb testing.TB, dir string) (staff []Staff, vip []string, reviews []Review) {
	tb.Helper()
	var err error
	readInput(tb, filepath.Join(dir, "staff.csv"), func(f *os.File) { staff, _, err = ReadRoster(f, "staff.csv") })
	readInput(tb, filepath.Join(dir, "vip.txt"), func(f *os.File) { vip, _, err = ReadVIP(f, "vip.txt") })
	readInput(tb, filepath.Join(dir, "breakglass_reviews.csv"), func(f *os.File) { reviews, _, err = ReadReviews(f, "reviews") })
	if err != nil {
		tb.Fatal(err)
	}
	return staff, vip, reviews
}

func readInput(tb testing.TB, path string, read func(*os.File)) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	read(f)
}

// streamTrust hands each of a generated trust's HL7 messages and
// AuditEvents to each, as a new event, in the order vigil serve would
// receive them live: a day's care messages (its ADT file's, then its
// appointments'), before the first access of that day.
func streamTrust(tb testing.TB, dir string, each func(ev *event.Event)) {
	tb.Helper()
	days := careDays(tb, dir)
	next := 0 // the next day of care messages
	scanAuditEvents(tb, dir, func(a *fhir.Access) {
		ev := &event.Event{}
		a.ToEvent(ev)
		for day := ev.Time.UTC().Format("2006-01-02"); next < len(days) && days[next].day <= day; next++ {
			days[next].stream(tb, each)
		}
		each(ev)
	})
	for ; next < len(days); next++ {
		days[next].stream(tb, each)
	}
}

// scanAuditEvents hands each AuditEvent of a generated trust's access
// log to each, skipping lines that do not parse.
func scanAuditEvents(tb testing.TB, dir string, each func(a *fhir.Access)) {
	tb.Helper()
	readInput(tb, filepath.Join(dir, "access.ndjson"), func(f *os.File) {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
		for sc.Scan() {
			if a, err := fhir.ParseAuditEvent(sc.Bytes()); err == nil {
				each(a)
			}
		}
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
	})
}

// careDay is one day's HL7 files: the ADT file, then the appointments.
type careDay struct {
	day   string
	files []string
}

// careDays lists a generated trust's HL7 files by day.
func careDays(tb testing.TB, dir string) []careDay {
	tb.Helper()
	byDay := map[string]*careDay{}
	for _, sub := range []string{"adt", "appointments"} {
		files, err := filepath.Glob(filepath.Join(dir, sub, "*.hl7"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, file := range files {
			day := strings.TrimSuffix(filepath.Base(file), ".hl7")
			if byDay[day] == nil {
				byDay[day] = &careDay{day: day}
			}
			byDay[day].files = append(byDay[day].files, file)
		}
	}
	var out []careDay
	for _, d := range byDay {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(x, y careDay) int { return strings.Compare(x.day, y.day) })
	return out
}

// stream hands each message of the day to each as a new event.
func (d careDay) stream(tb testing.TB, each func(ev *event.Event)) {
	for _, file := range d.files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		for _, raw := range hl7.Split(data) {
			if m, err := hl7.Parse(raw); err == nil {
				ev := &event.Event{}
				hl7.ToEvent(m, ev)
				each(ev)
			}
		}
	}
}
