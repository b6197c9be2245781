package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// fakePartitions is an in-memory storedPartitions: each partition's
// records by sequence, failing the next reads while fail is set.
type fakePartitions struct {
	mu    sync.Mutex
	parts map[int][]eventstore.Record
	fail  int // reads left to fail
	reads int
}

func (f *fakePartitions) add(p int, recs ...eventstore.Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.parts[p] = append(f.parts[p], recs...)
}

func (f *fakePartitions) Partitions(context.Context) ([]int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for p := range 16 {
		if len(f.parts[p]) > 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakePartitions) ReadPartitionFrom(_ context.Context, p int, after uint64, limit int, _ []pgstore.LogSource) (pgstore.PartitionPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.fail > 0 {
		f.fail--
		return pgstore.PartitionPage{Last: after}, errors.New("the database does not answer")
	}
	page := pgstore.PartitionPage{Last: after}
	for _, r := range f.parts[p] {
		if r.Seq <= after {
			continue
		}
		if len(page.Records) == limit {
			page.Full = true
			break
		}
		page.Records, page.Last = append(page.Records, r), r.Seq
	}
	page.Full = page.Full || len(page.Records) == limit
	return page, nil
}

// auditRecord is a FHIR AuditEvent access by user at t, as stored.
func auditRecord(seq uint64, user string, t time.Time) eventstore.Record {
	var ev event.Event
	ev.Time, ev.Host = t, "epr"
	ev.LogSource = event.LogSource{Product: "fhir", Service: "auditevent"}
	ev.Set("user.id", user)
	ev.Set("patient.nhs_number", "9434765919")
	ev.Set("fhir.id", fmt.Sprint("ae-", seq))
	return eventstore.Record{Seq: seq, Data: ev.AppendBinary(nil)}
}

// otherRecord is an event that is no privacy input.
func otherRecord(seq uint64, t time.Time) eventstore.Record {
	var ev event.Event
	ev.Time, ev.Host = t, "ws-1"
	ev.LogSource = event.LogSource{Product: "windows", Service: "security"}
	ev.Set("EventID", "4624")
	return eventstore.Record{Seq: seq, Data: ev.AppendBinary(nil)}
}

func testFollower(store *fakePartitions, page int) (*Service, *privacyFollower) {
	log := slog.New(slog.DiscardHandler)
	live := privacy.NewLive(privacy.DefaultOptions(), log)
	f := newPrivacyFollower(store, live, log)
	f.page, f.every = page, 5*time.Millisecond
	return &Service{log: log, privacy: live}, f
}

// TestPrivacyFollowerRebuild: the rebuild reads every page of every
// partition, leaves out audit events older than the lookback, skips
// other events and undecodable records, and analyses once; events stored
// later are fed whatever their time.
func TestPrivacyFollowerRebuild(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	store := &fakePartitions{parts: map[int][]eventstore.Record{}}
	store.add(0, auditRecord(1, "u1", now.Add(-72*time.Hour)), auditRecord(4, "u1", now.Add(-time.Hour)),
		otherRecord(7, now), auditRecord(9, "u2", now.Add(-2*time.Hour)))
	store.add(3, auditRecord(2, "u3", now.Add(-time.Hour)), eventstore.Record{Seq: 5, Data: []byte("not an event")},
		auditRecord(8, "u3", now.Add(-30*time.Minute)))
	s, f := testFollower(store, 2)
	f.feed.since = now.Add(-24 * time.Hour)
	if !s.rebuildPrivacyNode(context.Background(), f) {
		t.Fatal("the rebuild did not finish")
	}
	got := *f.feed.got
	if got.Audit != 4 || got.TooOld != 1 || got.Bad != 1 || got.FromStore != 5 {
		t.Errorf("fed %+v; want 4 audit events, 1 too old, 1 bad, 5 inputs read", got)
	}
	if f.pos[0] != 9 || f.pos[3] != 8 {
		t.Errorf("positions %v, want 0:9 3:8", f.pos)
	}
	res := s.privacy.Result()
	if res == nil || res.Summary.Accesses != 4 {
		t.Fatalf("analysis after the rebuild: %+v, want one of 4 accesses", res)
	}
	if !f.feed.since.IsZero() {
		t.Error("the lookback still applies after the rebuild")
	}
	store.add(0, auditRecord(12, "u4", now.Add(-100*time.Hour))) // a late old event: fed, as the detector feeds it
	store.add(6, auditRecord(11, "u5", now))                     // a partition seen for the first time
	if err := f.catchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.feed.got.Audit; got != 6 {
		t.Errorf("after the rebuild %d audit events fed, want 6", got)
	}
}

// TestPrivacyFollowerRetries: a failed read is tried again from the
// positions reached, feeding no event twice, and follow stops with its
// context.
func TestPrivacyFollowerRetries(t *testing.T) {
	now := time.Now()
	store := &fakePartitions{parts: map[int][]eventstore.Record{}}
	for i := range 10 {
		store.add(i%2, auditRecord(uint64(i+1), "u1", now))
	}
	_, f := testFollower(store, 3)
	if err := f.catchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	store.add(0, auditRecord(11, "u1", now), auditRecord(13, "u1", now))
	store.add(1, auditRecord(12, "u1", now))
	store.mu.Lock()
	store.fail = 2
	store.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.follow(ctx)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		store.mu.Lock()
		left, reads := store.fail, store.reads // the follower's own counts are read once it has stopped
		store.mu.Unlock()
		if left == 0 && reads > 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("follow did not read again after the failures (%d reads)", reads)
		}
		time.Sleep(5 * time.Millisecond) // polling the condition
	}
	cancel()
	<-done
	if got := f.feed.got.Audit; got != 13 {
		t.Errorf("fed %d audit events, want each of the 13 once", got)
	}
}

// TestPrivacyFollowerProgress: the follower's metrics move: inputs fed
// count each input once, a failed round counts as a read error, and the
// lag runs from the start until a round reads every partition to its
// end, then from that round's start.
func TestPrivacyFollowerProgress(t *testing.T) {
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	clock := start
	store := &fakePartitions{parts: map[int][]eventstore.Record{}}
	store.add(0, auditRecord(1, "u1", start), otherRecord(2, start), auditRecord(3, "u2", start))
	store.add(1, auditRecord(4, "u3", start))
	_, f := testFollower(store, 1)
	f.now = func() time.Time { return clock }
	f.stats.started.Store(start.UnixNano())
	s := &Service{node: &roleParts{follow: f}}
	metric := func(name string) string {
		var b strings.Builder
		s.privacyFollowMetrics(metricWriter{w: &b})
		for line := range strings.Lines(b.String()) {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				return strings.TrimSpace(v)
			}
		}
		t.Fatalf("no %s in\n%s", name, b.String())
		return ""
	}
	round := func() { f.round(context.Background()) }
	catchUp := func() {
		if err := f.catchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name            string
		advance         time.Duration
		fail            int
		read            func()
		inputs, errs    string
		lag             string
		caughtUpAtClock bool
	}{
		{name: "before reading", advance: 5 * time.Second, inputs: "0", errs: "0", lag: "5"},
		{name: "a failed round", advance: 2 * time.Second, fail: 1, read: round, inputs: "0", errs: "1", lag: "7"},
		{name: "a round of full pages", advance: time.Second, read: round, inputs: "2", errs: "1", lag: "8"},
		{name: "caught up", advance: time.Second, read: catchUp, inputs: "3", errs: "1", lag: "0", caughtUpAtClock: true},
		{name: "a quiet second", advance: time.Second, inputs: "3", errs: "1", lag: "1"},
		{name: "nothing new", advance: 3 * time.Second, read: round, inputs: "3", errs: "1", lag: "0", caughtUpAtClock: true},
	}
	for _, st := range steps {
		clock = clock.Add(st.advance)
		store.mu.Lock()
		store.fail = st.fail
		store.mu.Unlock()
		if st.read != nil {
			st.read()
		}
		if got := metric("vigil_privacy_follow_inputs_total"); got != st.inputs {
			t.Errorf("%s: inputs fed %s, want %s", st.name, got, st.inputs)
		}
		if got := metric("vigil_privacy_follow_read_errors_total"); got != st.errs {
			t.Errorf("%s: read errors %s, want %s", st.name, got, st.errs)
		}
		if got := metric("vigil_privacy_follow_lag_seconds"); got != st.lag {
			t.Errorf("%s: lag %s s, want %s", st.name, got, st.lag)
		}
		if got := f.stats.lastCaughtUp(); got.Equal(clock) != st.caughtUpAtClock {
			t.Errorf("%s: last caught up %v (clock %v)", st.name, got, clock)
		}
	}
}
