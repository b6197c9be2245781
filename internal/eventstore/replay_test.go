package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
)

// replayEvent is record seq's event: product hl7 for every third record,
// fhir for the rest, an hour apart from 1 March 2025 for seq 1.
func replayEvent(seq uint64) []byte {
	ev := event.Event{Time: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Hour)}
	ev.LogSource.Product = "fhir"
	if seq%3 == 0 {
		ev.LogSource.Product = "hl7"
	}
	ev.Set("n", fmt.Sprint(seq))
	return ev.AppendBinary(nil)
}

// replayStore holds records 1 to 60 except every seventh (sequence numbers
// may have gaps), in segments of a few records each.
func replayStore(t *testing.T) *eventstore.Local {
	t.Helper()
	s, err := eventstore.Open(t.TempDir(), eventstore.Options{SegmentBytes: 400, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var recs []eventstore.Record
	for seq := uint64(1); seq <= 60; seq++ {
		if seq%7 != 0 {
			recs = append(recs, eventstore.Record{Seq: seq, Data: replayEvent(seq)})
		}
		if len(recs) == 5 || seq == 60 { // several appends: sealed segments and the active one
			if err := s.Append(context.Background(), recs); err != nil {
				t.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	return s
}

func TestReplay(t *testing.T) {
	s := replayStore(t)
	if st, _ := s.Stats(context.Background()); st.Segments < 3 {
		t.Fatalf("the store has %d segments; the test wants several", st.Segments)
	}
	want := func(from, to uint64, keep func(uint64) bool) []uint64 {
		var out []uint64
		for seq := from; seq <= min(to, 60); seq++ {
			if seq%7 != 0 && keep(seq) {
				out = append(out, seq)
			}
		}
		return out
	}
	all := func(uint64) bool { return true }
	since := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Add(40 * time.Hour)
	for _, tc := range []struct {
		name     string
		q        eventstore.Query
		from, to uint64
		want     []uint64
	}{
		{"everything", eventstore.Query{}, 1, math.MaxUint64, want(1, 60, all)},
		{"a range inside segments", eventstore.Query{}, 12, 33, want(12, 33, all)},
		{"past the end", eventstore.Query{}, 61, math.MaxUint64, nil},
		{"one product", eventstore.Query{Text: "product:hl7"}, 1, math.MaxUint64, want(1, 60, func(s uint64) bool { return s%3 == 0 })},
		{"a field value", eventstore.Query{Text: "n:25"}, 1, math.MaxUint64, []uint64{25}},
		{"a time range", eventstore.Query{Since: since}, 1, 50, want(40, 50, all)},
		{"more than Limit", eventstore.Query{Limit: 2}, 1, math.MaxUint64, want(1, 60, all)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []uint64
			err := s.Replay(context.Background(), tc.q, tc.from, tc.to, func(seq uint64, data []byte) error {
				if !slices.Equal(data, replayEvent(seq)) {
					t.Errorf("record %d: bytes differ from those appended", seq)
				}
				got = append(got, seq)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Replay(%d, %d) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestReplayStops(t *testing.T) {
	s := replayStore(t)
	stop := errors.New("stop")
	var n int
	err := s.Replay(context.Background(), eventstore.Query{}, 1, math.MaxUint64, func(uint64, []byte) error {
		if n++; n == 4 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 4 {
		t.Errorf("Replay returned %v after %d records; want fn's error after 4", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Replay(ctx, eventstore.Query{}, 1, math.MaxUint64, func(uint64, []byte) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Replay with a cancelled context: %v", err)
	}
	if err := s.Replay(context.Background(), eventstore.Query{Text: "a:("}, 1, 2, func(uint64, []byte) error { return nil }); err == nil {
		t.Error("Replay accepted a query that does not parse")
	}
	s.Close()
	if err := s.Replay(context.Background(), eventstore.Query{}, 1, 2, func(uint64, []byte) error { return nil }); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Replay on a closed store: %v", err)
	}
}
