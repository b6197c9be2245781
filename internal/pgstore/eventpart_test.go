package pgstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestAppendPartition: batches of several partitions, out of order across
// partitions and some stored twice (a take-over storing again what the
// previous holder stored), are each held once; the single log's Append
// beside them keeps its own position.
func TestAppendPartition(t *testing.T) {
	ctx := context.Background()
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	evs := storetest.Numbered(12)
	recs := storetest.Records(1, evs...) // stream sequences 1..12
	steps := []struct {
		name string
		p    int
		recs []eventstore.Record
	}{
		{"partition 1, later sequences first", 1, recs[6:9]},
		{"partition 0, earlier sequences", 0, recs[0:3]},
		{"partition 0 again, overlapping", 0, recs[1:5]},
		{"partition 1 again, the same batch", 1, recs[6:9]},
		{"partition 2, a gap", 2, recs[10:12]},
	}
	for _, st := range steps {
		if err := s.AppendPartition(ctx, st.p, st.recs); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	res, err := s.Search(ctx, eventstore.Query{Limit: eventstore.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var got []uint64
	for _, h := range res.Events {
		got = append(got, h.Seq)
	}
	slices.Sort(got)
	want := []uint64{1, 2, 3, 4, 5, 7, 8, 9, 11, 12}
	if !slices.Equal(got, want) || res.Matched != int64(len(want)) {
		t.Fatalf("stored sequences %v (matched %d), want %v", got, res.Matched, want)
	}
	if pos, err := s.Position(ctx); err != nil || pos != 0 {
		t.Fatalf("Position after partition appends = %d, %v; want 0 (the single log's)", pos, err)
	}
	if err := s.Append(ctx, storetest.Records(1, storetest.Numbered(2)...)); err != nil {
		t.Fatalf("the single log's Append beside the partitions: %v", err)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Events != int64(len(want))+2 || st.Position != 2 {
		t.Fatalf("stats %+v, %v: want %d events, position 2", st, err, len(want)+2)
	}
}

func TestAppendPartitionRefuses(t *testing.T) {
	ctx := context.Background()
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	recs := storetest.Records(1, storetest.Numbered(1)...)
	if err := s.AppendPartition(ctx, -1, recs); err == nil {
		t.Fatal("partition -1 was accepted")
	}
	s.Close()
	if err := s.AppendPartition(ctx, 0, recs); err != eventstore.ErrClosed {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
}

// TestEventSources: the sources of the events stored in a span, by source
// and host, with their counts.
func TestEventSources(t *testing.T) {
	ctx := context.Background()
	now := storetest.Base.Add(time.Hour)
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{Now: func() time.Time { return now }})
	if err := s.AppendPartition(ctx, 0, storetest.Records(1, storetest.Numbered(14)...)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sources(ctx, now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || got[0].Source != "test" || got[0].Host != "ws00" || got[0].Events != 2 || !got[0].LastStored.Equal(now) {
		t.Fatalf("sources %+v: want 7 hosts of source test, 2 events each, stored at %v", got, now)
	}
	if got, err := s.Sources(ctx, now.Add(time.Minute)); err != nil || len(got) != 0 {
		t.Fatalf("sources since after the last store: %+v, %v", got, err)
	}
}

// BenchmarkAppendPartition: a detect node's batch of 256 events (the bus's
// largest) stored with AppendPartition, beside the single log's COPY of
// the same batch.
func BenchmarkAppendPartition(b *testing.B) {
	evs := storetest.Numbered(256)
	for _, name := range []string{"partition", "log"} {
		b.Run(name, func(b *testing.B) {
			s := pgtest.Open(b, b.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
			next := uint64(1)
			for b.Loop() {
				recs := storetest.Records(next, evs...)
				var err error
				if name == "partition" {
					err = s.AppendPartition(context.Background(), 0, recs)
				} else {
					err = s.Append(context.Background(), recs)
				}
				if err != nil {
					b.Fatal(err)
				}
				next += uint64(len(evs))
			}
			b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
		})
	}
}
