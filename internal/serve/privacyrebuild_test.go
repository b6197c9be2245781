package serve

import (
	"bufio"
	"context"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sim/care"
	"github.com/vigilhealth/vigil/internal/wal"
)

// rebuildTrust is a small generated trust as the log would hold it: its
// records (eachTrustRecord) in event-time order; staff is its roster.
type rebuildTrust struct {
	recs  [][]byte
	staff []privacy.Staff
}

func newRebuildTrust(t *testing.T) *rebuildTrust {
	t.Helper()
	dir := t.TempDir()
	if _, err := care.Generate(care.Config{Seed: 11, Size: "test", Staff: 60, Patients: 1000, Days: 2, Start: care.DefaultStart}, dir, nil); err != nil {
		t.Fatal(err)
	}
	tr := &rebuildTrust{staff: readTrustRoster(t, dir)}
	eachTrustRecord(t, dir, func(rec []byte) { tr.recs = append(tr.recs, rec) })
	slices.SortStableFunc(tr.recs, func(a, b []byte) int {
		ta, _ := event.BinaryTime(a)
		tb, _ := event.BinaryTime(b)
		return ta.Compare(tb)
	})
	return tr
}

func readTrustRoster(tb testing.TB, dir string) []privacy.Staff {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "staff.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	staff, _, err := privacy.ReadRoster(f, "staff.csv")
	if err != nil {
		tb.Fatal(err)
	}
	return staff
}

// eachTrustRecord calls fn with each event of a generated trust in dir,
// encoded as the listeners store it: its ADT and SIU messages, then its
// AuditEvents with a Windows event (no privacy input) after every tenth.
// fn may keep the record.
func eachTrustRecord(tb testing.TB, dir string, fn func(rec []byte)) {
	tb.Helper()
	for _, sub := range []string{"adt", "appointments"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.hl7"))
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				tb.Fatal(err)
			}
			for _, raw := range hl7.Split(data) {
				m, err := hl7.Parse(raw)
				if err != nil {
					tb.Fatalf("%s: %v", name, err)
				}
				var ev event.Event
				hl7.ToEvent(m, &ev)
				fn(ev.AppendBinary(nil))
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "access.ndjson"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var ev event.Event
	for n := 1; sc.Scan(); n++ {
		a, err := fhir.ParseAuditEvent(sc.Bytes())
		if err != nil {
			tb.Fatalf("access.ndjson line %d: %v", n, err)
		}
		ev.Reset()
		a.ToEvent(&ev)
		fn(ev.AppendBinary(nil))
		if n%10 == 0 {
			fn(testWindowsEvent(n))
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
}

// testWindowsEvent is a record that is no privacy input.
func testWindowsEvent(n int) []byte {
	ev := event.Event{Time: care.DefaultStart.Add(time.Duration(n) * time.Second), Host: "WS-01"}
	ev.LogSource = event.LogSource{Product: "windows", Service: "security"}
	ev.Set("EventID", "4624")
	return ev.AppendBinary(nil)
}

// live returns a guardian with the trust's roster.
func (tr *rebuildTrust) live() *privacy.Live {
	l := privacy.NewLive(privacy.DefaultOptions(), nil)
	l.SetRoster(tr.staff)
	return l
}

// reference feeds a guardian records from to upto directly, as the
// detector does, leaving out audit events before since.
func (tr *rebuildTrust) reference(from, upto uint64, since time.Time) *privacy.Result {
	l := tr.live()
	var ev event.Event
	for seq := from; seq <= upto; seq++ {
		if err := ev.UnmarshalBinary(tr.recs[seq-1]); err != nil {
			panic(err) // encoded just above
		}
		if src, _ := privacy.InputSource(ev.LogSource.Product, ev.LogSource.Service); src.Audit && ev.Time.Before(since) {
			continue
		}
		l.AddEvent(&ev)
	}
	return l.Analyse()
}

// rebuildService is a service with only what rebuildPrivacy reads: the
// trust's records in the log, the first stored of them in the event store,
// the log truncated before record walFirst (when above 1), and the
// detector's committed position at processed.
func (tr *rebuildTrust) service(t *testing.T, stored, walFirst, processed uint64, lookback time.Duration) *Service {
	t.Helper()
	dir := t.TempDir()
	w, err := wal.Open(filepath.Join(dir, "wal"), wal.Options{SegmentBytes: 64 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, _, err := w.Append(tr.recs...); err != nil {
		t.Fatal(err)
	}
	if walFirst > 1 {
		if err := w.TruncateBefore(walFirst); err != nil {
			t.Fatal(err)
		}
	}
	st, err := eventstore.Open(filepath.Join(dir, "events"), eventstore.Options{SegmentBytes: 256 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var recs []eventstore.Record
	for seq := uint64(1); seq <= stored; seq++ {
		recs = append(recs, eventstore.Record{Seq: seq, Data: tr.recs[seq-1]})
	}
	if err := st.Append(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	s := &Service{log: slog.New(slog.DiscardHandler), wal: w, events: st, privacy: tr.live()}
	s.cfg.Privacy.Lookback = lookback
	s.processed.Store(processed)
	return s
}

// TestRebuildPrivacy restarts the guardian with the event store ahead of
// the detector, behind it, empty, and empty with the log's start gone,
// and checks that it was fed exactly the records up to the detector's
// position that Vigil still holds, once each: its analysis equals one fed
// those records directly.
func TestRebuildPrivacy(t *testing.T) {
	tr := newRebuildTrust(t)
	n := uint64(len(tr.recs))
	now := care.DefaultStart.AddDate(0, 0, 1).Add(12 * time.Hour)
	for _, tc := range []struct {
		name                        string
		stored, walFirst, processed uint64
		lookback                    time.Duration
		fromStore, fromLog          bool   // inputs were read from each
		gone                        uint64 // records in neither
	}{
		{name: "store ahead of the detector", stored: n, processed: n / 2, fromStore: true},
		{name: "store behind the detector", stored: n / 3, processed: 2 * n / 3, fromStore: true, fromLog: true},
		{name: "store caught up", stored: n, processed: n, fromStore: true},
		{name: "store lost", stored: 0, processed: n, fromLog: true},
		{name: "store lost and the log's start gone", stored: 0, walFirst: n / 2, processed: n, fromLog: true},
		{name: "a lookback of 12 hours", stored: n / 2, processed: n, lookback: 12 * time.Hour, fromStore: true, fromLog: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tr.service(t, tc.stored, tc.walFirst, tc.processed, tc.lookback)
			got, err := s.rebuildPrivacy(context.Background(), now)
			if err != nil {
				t.Fatal(err)
			}
			from, since := uint64(1), time.Time{}
			if first := s.wal.Stats().First; tc.stored == 0 && first > 1 {
				from = first
			}
			if (from > 1) != (tc.walFirst > 1) {
				t.Fatalf("the log starts at %d after truncating before %d", s.wal.Stats().First, tc.walFirst)
			}
			if tc.lookback > 0 {
				since = now.Add(-tc.lookback)
			}
			want := tr.reference(from, tc.processed, since)
			res := s.privacy.Result()
			if res == nil {
				t.Fatalf("no analysis after the rebuild (%+v)", got)
			}
			if res.Summary.Accesses != want.Summary.Accesses || res.Summary.ADTMessages != want.Summary.ADTMessages || res.Summary.Searches != want.Summary.Searches {
				t.Errorf("rebuilt %d accesses, %d searches, %d ADT messages; fed directly %d, %d, %d (%+v)",
					res.Summary.Accesses, res.Summary.Searches, res.Summary.ADTMessages,
					want.Summary.Accesses, want.Summary.Searches, want.Summary.ADTMessages, got)
			}
			if g, w := caseKeys(res.Cases), caseKeys(want.Cases); !slices.Equal(g, w) {
				t.Errorf("rebuilt cases %v, fed directly %v", g, w)
			}
			if (got.FromStore > 0) != tc.fromStore || (got.FromLog > 0) != tc.fromLog {
				t.Errorf("read %d inputs from the store and %d from the log; want store %v, log %v", got.FromStore, got.FromLog, tc.fromStore, tc.fromLog)
			}
			if got.Gone != from-1 || got.Upto != tc.processed {
				t.Errorf("gone %d, upto %d; want %d, %d", got.Gone, got.Upto, from-1, tc.processed)
			}
			if (got.TooOld > 0) != (tc.lookback > 0) {
				t.Errorf("%d audit events left out as too old with lookback %v", got.TooOld, tc.lookback)
			}
			t.Logf("%d records; rebuilt %+v: %d accesses, %d ADT messages, %d cases", n, got, res.Summary.Accesses, res.Summary.ADTMessages, len(res.Cases))
			if got.Bad != 0 {
				t.Errorf("%d records did not decode", got.Bad)
			}
		})
	}
}

// TestRebuildPrivacyNothingProcessed checks that a first start (nothing
// committed) feeds nothing and does not analyse, so that the cases saved
// before are served until the first analysis of new events.
func TestRebuildPrivacyNothingProcessed(t *testing.T) {
	tr := newRebuildTrust(t)
	s := tr.service(t, uint64(len(tr.recs)), 0, 0, 0)
	got, err := s.rebuildPrivacy(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got.FromStore+got.FromLog+got.Audit+got.Care != 0 || s.privacy.Result() != nil {
		t.Errorf("with nothing processed the rebuild fed %+v and analysed: %v", got, s.privacy.Result() != nil)
	}
}

// caseKeys are the cases as user, patient and kinds, sorted.
func caseKeys(cases []privacy.Case) []string {
	return slices.Sorted(maps.Keys(caseSet(cases)))
}
