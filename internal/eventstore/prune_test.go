package eventstore

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// fill appends n events, event i on host "h<i%10>" with a unique token.
func fill(t testing.TB, s *Local, first, n int) {
	t.Helper()
	var ev event.Event
	var recs []Record
	for i := first; i < first+n; i++ {
		ev.Reset()
		ev.Time = time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)
		ev.Host = fmt.Sprintf("h%d", i%10)
		ev.Set("EventID", fmt.Sprint(4600+i%50))
		ev.Set("Token", fmt.Sprintf("tok%06dz", i))
		recs = append(recs, Record{Seq: uint64(i + 1), Data: ev.AppendBinary(nil)})
	}
	if err := s.Append(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func TestIndexesSkipSegments(t *testing.T) {
	s, err := Open(t.TempDir(), Options{SegmentBytes: 4 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fill(t, s, 0, 2000)
	st, _ := s.Stats(context.Background())
	tests := []struct {
		q           string
		matched     int64
		maxScanned  int64
		description string
	}{
		{"tok001234z", 1, st.Events / 10, "trigrams rule out the segments without the token"},
		{"Token:tok001234z", 1, st.Events / 10, "the pair filter rules out the others"},
		{"NoSuchField:1", 0, 0, "field names rule out every segment"},
		{"Token:tok00123*", 10, st.Events / 5, "a wildcard's literal prunes by trigrams"},
		{"EventID:4600 host:h0", 40, st.Events, "common values scan"},
		{"-tok001234z", 1999, st.Events, "a negation scans everything"},
	}
	for _, tt := range tests {
		r, err := s.Search(context.Background(), Query{Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if r.Matched != tt.matched || r.Scanned > tt.maxScanned {
			t.Errorf("%s: matched %d scanning %d of %d, want %d scanning at most %d (%s)", tt.q, r.Matched, r.Scanned, st.Events, tt.matched, tt.maxScanned, tt.description)
		}
	}
	r, err := s.Search(context.Background(), Query{Since: time.Date(2025, 1, 1, 0, 0, 1990, 0, time.UTC)})
	if err != nil || r.Matched != 10 || r.Scanned > st.Events/10 {
		t.Errorf("time range: matched %d scanning %d, %v; want 10 scanning few", r.Matched, r.Scanned, err)
	}
}

func TestReadOnlyFollowsTheWriter(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{SegmentBytes: 2 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fill(t, w, 0, 100)
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	for _, n := range []int{100, 250} {
		if p, err := r.Position(ctx); err != nil || p != uint64(n) {
			t.Fatalf("read-only Position = %d, %v; want %d", p, err, n)
		}
		res, err := r.Search(ctx, Query{Text: "tok000042z OR Token:tok000099z"})
		if err != nil || res.Matched != 2 {
			t.Fatalf("read-only search: %+v, %v", res, err)
		}
		st, _ := r.Stats(ctx)
		if st.Events != int64(n) {
			t.Fatalf("read-only Stats = %+v, want %d events", st, n)
		}
		fill(t, w, n, 150)
	}
	if err := r.Append(ctx, nil); err != ErrReadOnly {
		t.Fatalf("read-only Append: %v", err)
	}
	// A half-written frame at the end is where the writer is, not damage.
	w.mu.Lock()
	w.act.f.Write(appendFrame(nil, 9999, []byte("partial"))[:10])
	w.mu.Unlock()
	if p, err := r.Position(ctx); err != nil || p != 400 {
		t.Fatalf("with a write in progress: Position = %d, %v; want 400", p, err)
	}
}

func TestOpenRebuildsAMissingIndex(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{SegmentBytes: 2 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, s, 0, 200)
	victim := s.sealed[1]
	s.Close()
	if err := os.Remove(indexPath(victim.path)); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{SegmentBytes: 2 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Search(context.Background(), Query{Text: fmt.Sprintf("Token:tok%06dz", victim.sum.first-1)})
	if err != nil || res.Matched != 1 {
		t.Fatalf("search in the segment whose index was rebuilt: %+v, %v", res, err)
	}
}

func TestUnicodeFoldingIsNotPrefilteredAway(t *testing.T) {
	for _, segBytes := range []int64{300, 1 << 20} { // sealed and indexed, or active
		s, err := Open(t.TempDir(), Options{SegmentBytes: segBytes, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		var recs []Record
		for i, v := range []string{"\u212aat", "ÉCOLE", "İstanbul", "plain"} {
			var ev event.Event
			ev.Time = time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)
			ev.Set("Name", v)
			recs = append(recs, Record{Seq: uint64(i + 1), Data: ev.AppendBinary(nil)})
		}
		if err := s.Append(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]uint64{"kat": 1, "école": 2, "Name:école": 2, "istanbul": 3, "name:İSTANBUL": 3} {
			r, err := s.Search(context.Background(), Query{Text: q})
			if err != nil || len(r.Events) != 1 || r.Events[0].Seq != want {
				t.Errorf("segments of %d bytes: %q found %+v, %v; want event %d", segBytes, q, r, err, want)
			}
		}
		s.Close()
	}
}
