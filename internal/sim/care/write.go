package care

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Truth is the ground truth written to truth.json beside the files.
type Truth struct {
	Seed     uint64 `json:"seed"`
	Size     string `json:"size"`
	Start    string `json:"start"`
	Days     int    `json:"days"`
	Staff    int    `json:"staff"`
	Patients int    `json:"patients"`
	// Accesses counts every AuditEvent in access.ndjson: Reads (records
	// opened), Searches (which list patients and open none) and
	// BreakGlassEvents (override start and stop). Legitimate ones plus
	// MisuseEvents (misusers' reads, searches and overrides) make Accesses.
	Accesses           int            `json:"accesses"`
	Reads              int            `json:"reads"`
	Searches           int            `json:"searches"`
	BreakGlassEvents   int            `json:"breakglass_events"`
	Legitimate         int            `json:"legitimate"`
	MisuseEvents       int            `json:"misuse_events"`
	LegitimateByReason map[string]int `json:"legitimate_by_reason"`
	Misuse             []MisuseTruth  `json:"misuse"`
}

// MisuseTruth is one user-patient pair of injected misuse under one kind.
// Accesses counts the user's events naming the patient (reads and
// break-glass start and stop); a search that only listed the patient is
// not one.
type MisuseTruth struct {
	UserID    string `json:"user_id"`
	PatientID string `json:"patient_id"`
	Kind      string `json:"kind"`
	Accesses  int    `json:"accesses"`
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
	Note      string `json:"note"`
}

// Generate builds the trust cfg describes and writes it to dir.
func Generate(cfg Config, dir string, log *slog.Logger) (*Truth, error) {
	w, err := Build(cfg)
	if err != nil {
		return nil, err
	}
	return w.Write(dir, log)
}

// Write writes the trust's files to dir (created if missing): staff.csv,
// vip.txt, adt/*.hl7, appointments/*.hl7, access.ndjson,
// breakglass_reviews.csv and truth.json. The access log is generated and
// written a day at a time, so memory does not grow with its length.
func (w *World) Write(dir string, log *slog.Logger) (*Truth, error) {
	for _, sub := range []string{"", "adt", "appointments"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("sim care: create %s: %w", filepath.Join(dir, sub), err)
		}
	}
	if err := w.writeStaff(filepath.Join(dir, "staff.csv")); err != nil {
		return nil, err
	}
	if err := w.writeVIPs(filepath.Join(dir, "vip.txt")); err != nil {
		return nil, err
	}
	if err := w.writeMessages(dir); err != nil {
		return nil, err
	}
	var reviews []review
	m := w.planMisuse(&reviews)
	truth, err := w.writeAccess(filepath.Join(dir, "access.ndjson"), m, log)
	if err != nil {
		return nil, err
	}
	if err := writeReviews(w, filepath.Join(dir, "breakglass_reviews.csv"), reviews); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, "truth.json"), truth); err != nil {
		return nil, err
	}
	return truth, nil
}

// create opens path for writing through a buffer; done flushes and closes
// it, reporting the first error.
func create(path string, body func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("sim care: %w", err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	err = body(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sim care: write %s: %w", path, err)
	}
	return nil
}

// writeStaff writes the roster as an HR export: one row per member of
// staff, leavers included, with date_of_birth for everyone and nhs_number
// for staff who are patients of the trust.
func (w *World) writeStaff(path string) error {
	return create(path, func(bw *bufio.Writer) error {
		cw := csv.NewWriter(bw)
		cw.Write([]string{"user_id", "given_name", "family_name", "job_role", "department", "address", "postcode", "start_date", "end_date", "date_of_birth", "nhs_number"})
		for i := range w.Staff {
			s := &w.Staff[i]
			end, nhs := "", ""
			if !s.End.IsZero() {
				end = s.End.Format("2006-01-02")
			}
			if s.Patient >= 0 {
				nhs = w.Patients[s.Patient].NHS
			}
			a := w.Addresses[s.Address]
			cw.Write([]string{s.ID, s.Given, s.Family, s.Role.String(), w.Depts[s.Dept].Name,
				w.addressLine(s.Address) + ", " + w.Streets[a.Street].Town, a.Postcode,
				s.Start.Format("2006-01-02"), end, s.Born.Format("2006-01-02"), nhs})
		}
		cw.Flush()
		return cw.Error()
	})
}

func (w *World) writeVIPs(path string) error {
	return create(path, func(bw *bufio.Writer) error {
		fmt.Fprintf(bw, "# Watch list of the synthetic trust: NHS numbers, one a line.\n")
		for i := range w.Patients {
			if p := &w.Patients[i]; p.VIP != "" {
				fmt.Fprintf(bw, "# %s\n%s\n", p.VIP, p.NHS)
			}
		}
		return nil
	})
}

// writeMessages writes the ADT and SIU files, each message in time order.
func (w *World) writeMessages(dir string) error {
	names := make([]string, 0, len(w.adt))
	for name := range w.adt {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		msgs := w.adt[name]
		sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].At.Before(msgs[j].At) })
		err := create(filepath.Join(dir, name), func(bw *bufio.Writer) error {
			for i := range msgs {
				b.Reset()
				w.render(&msgs[i], &b)
				if _, err := bw.WriteString(b.String()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeAccess generates and writes the access log day by day, counting as
// it goes.
func (w *World) writeAccess(path string, m *injector, log *slog.Logger) (*Truth, error) {
	t := &Truth{Seed: w.cfg.Seed, Size: w.cfg.Size, Start: w.first.Format("2006-01-02"), Days: w.cfg.Days,
		Staff: len(w.Staff), Patients: len(w.Patients), LegitimateByReason: map[string]int{}}
	byReason := make([]int, numReasons)
	err := create(path, func(bw *bufio.Writer) error {
		var line []byte
		for d := 0; d < w.cfg.Days; d++ {
			g := w.legitimate(d, newRotaCache(w))
			w.justifiedBreakGlass(g, m)
			day := append(g.out, m.byDay[d]...)
			sort.SliceStable(day, func(i, j int) bool { return day[i].At.Before(day[j].At) })
			for seq := range day {
				a := &day[seq]
				id := eventID(w.cfg.Seed, d, seq)
				if a.review > 0 {
					(*m.reviews)[a.review-1].eventID = id
				}
				w.count(t, byReason, m, a)
				line = w.appendAuditEvent(line[:0], a, id)
				if _, err := bw.Write(line); err != nil {
					return err
				}
			}
			if log != nil {
				log.Debug("sim care: day written", "day", w.day(d).Format("2006-01-02"), "accesses", len(day))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for r, n := range byReason {
		t.LegitimateByReason[Reason(r).String()] = n
	}
	t.Misuse = m.truth(w)
	return t, nil
}

// count adds one event to the totals and to its misuse pair.
func (w *World) count(t *Truth, byReason []int, m *injector, a *access) {
	t.Accesses++
	switch a.Kind {
	case evRead:
		t.Reads++
	case evSearch:
		t.Searches++
	default:
		t.BreakGlassEvents++
	}
	if !a.Bad {
		t.Legitimate++
		byReason[a.Reason]++
		return
	}
	t.MisuseEvents++
	if a.Misuse < 0 {
		return
	}
	pr := &m.pairs[a.Misuse]
	if pr.accesses == 0 {
		pr.first = a.At
	}
	pr.accesses++
	pr.last = a.At
}

// truth lists each pair once per kind, in the order injected.
func (m *injector) truth(w *World) []MisuseTruth {
	out := []MisuseTruth{}
	for _, pr := range m.pairs {
		if pr.accesses == 0 {
			continue // fell outside the log
		}
		for _, k := range pr.Kinds {
			out = append(out, MisuseTruth{
				UserID: w.Staff[pr.User].ID, PatientID: w.Patients[pr.Patient].NHS, Kind: k, Accesses: pr.accesses,
				FirstSeen: pr.first.UTC().Format(time.RFC3339), LastSeen: pr.last.UTC().Format(time.RFC3339), Note: pr.Note,
			})
		}
	}
	return out
}

// writeReviews writes the outcome of every break-glass review, in the
// order the overrides happened.
func writeReviews(w *World, path string, reviews []review) error {
	sort.SliceStable(reviews, func(i, j int) bool { return reviews[i].at.Before(reviews[j].at) })
	return create(path, func(bw *bufio.Writer) error {
		cw := csv.NewWriter(bw)
		cw.Write([]string{"event_id", "user_id", "patient_id", "justified", "reason"})
		for _, r := range reviews {
			if r.eventID == "" {
				continue // the override fell outside the log
			}
			cw.Write([]string{r.eventID, w.Staff[r.user].ID, w.Patients[r.patient].NHS, fmt.Sprint(r.justified), r.reason})
		}
		cw.Flush()
		return cw.Error()
	})
}

func writeJSON(path string, v any) error {
	return create(path, func(bw *bufio.Writer) error {
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}
