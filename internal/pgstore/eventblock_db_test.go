package pgstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// detectEvents are n numbered events of source "detect", as a detect
// node stores them by partition.
func detectEvents(n int) []eventstore.Record {
	evs := storetest.Numbered(n)
	for i := range evs {
		evs[i].Source = "detect"
	}
	return storetest.Records(1, evs...)
}

// TestSearchBlocks: events stored in overlapping batches (a take-over
// storing again, and filling a gap below what it stored) and in several
// blocks of one Append are each found once, by field, by word and by
// metadata, through the blocks and without them.
func TestSearchBlocks(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	s := db.Events(eventstore.Options{})
	recs := detectEvents(10)
	for _, b := range [][]eventstore.Record{recs[0:3], recs[0:5], recs[7:9], recs[0:10], recs[2:4]} {
		if err := s.AppendPartition(ctx, 0, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Append(ctx, storetest.Records(1, storetest.Numbered(600)...)); err != nil {
		t.Fatal(err)
	}
	var blocks int
	if err := db.Pool().QueryRow(ctx, "SELECT count(*) FROM event_blocks").Scan(&blocks); err != nil || blocks != 4+3 {
		t.Fatalf("%d blocks (%v): want 4 of partition 0 (one per batch that stored new events) and 3 of the log's 600", blocks, err)
	}
	tests := []struct {
		q    string
		want []uint64
	}{
		{"Index:3 source:detect", []uint64{4}},
		{"source:detect", []uint64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
		{`"number 7 of" source:detect`, []uint64{8}},
		{"Index:5", []uint64{6, 6}},
		{"Index:9", []uint64{10, 10}},
		{"Index:256", []uint64{257}},
		{"Index:599 host:ws04", []uint64{600}},
		{`"number 511 of"`, []uint64{512}},
		{"number 600", nil},
		{"Index:42 source:detect", nil},
	}
	for _, limit := range []int{20_000, 0} {
		restore := pgstore.SetMaxBlockRanges(limit)
		for _, tc := range tests {
			r, err := s.Search(ctx, eventstore.Query{Text: tc.q, Limit: eventstore.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if got := hitSeqs(r); !slices.Equal(got, tc.want) || r.Matched != int64(len(tc.want)) {
				t.Errorf("%q with at most %d block ranges: %v (matched %d), want %v", tc.q, limit, got, r.Matched, tc.want)
			}
		}
		restore()
	}
}

// TestRetainBlocks: retention deletes the blocks whose events it deleted,
// by age and by size, and the events kept are still found.
func TestRetainBlocks(t *testing.T) {
	ctx := context.Background()
	now := storetest.Base
	clock := func() time.Time { return now }
	tests := []struct {
		name       string
		opts       eventstore.Options
		wantBlocks int
		wantFound  []uint64 // by Index:0, Index:300 and Index:599 of the log
	}{
		{"by age", eventstore.Options{MaxAge: time.Hour, Now: clock}, 1, []uint64{600}},
		{"by size", eventstore.Options{MaxBytes: 150, Now: clock}, 1, []uint64{600}},
	}
	for _, tc := range tests {
		db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
		s := db.Events(tc.opts)
		now = storetest.Base
		evs := storetest.Numbered(600)
		if err := s.Append(ctx, storetest.Records(1, evs[:599]...)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		if err := s.Append(ctx, storetest.Records(600, evs[599])); err != nil {
			t.Fatal(err)
		}
		if err := s.Retain(ctx); err != nil {
			t.Fatal(err)
		}
		var blocks int
		if err := db.Pool().QueryRow(ctx, "SELECT count(*) FROM event_blocks").Scan(&blocks); err != nil || blocks != tc.wantBlocks {
			t.Errorf("%s: %d blocks left (%v), want %d", tc.name, blocks, err, tc.wantBlocks)
		}
		r, err := s.Search(ctx, eventstore.Query{Text: "Index:0 OR Index:300 OR Index:599"})
		if err != nil {
			t.Fatal(err)
		}
		if got := hitSeqs(r); !slices.Equal(got, tc.wantFound) {
			t.Errorf("%s: found %v after retention, want %v", tc.name, got, tc.wantFound)
		}
	}
}

// TestAppendPartitionConcurrently: holders storing overlapping batches of
// one partition at once (an old holder's late store beside the new
// holder's) leave each event once, each found once through its block.
func TestAppendPartitionConcurrently(t *testing.T) {
	ctx := context.Background()
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	recs := detectEvents(200)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range errs {
		wg.Go(func() {
			for lo := w * 10; lo < len(recs); lo += 40 {
				if errs[w] = s.AppendPartition(ctx, 0, recs[lo:min(lo+60, len(recs))]); errs[w] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("holder %d: %v", w, err)
		}
	}
	r, err := s.Search(ctx, eventstore.Query{Text: "source:detect", Limit: eventstore.MaxLimit})
	if err != nil || r.Matched != int64(len(recs)) {
		t.Fatalf("source:detect: %v, %v; want %d matched", r, err, len(recs))
	}
	for _, i := range []int{0, 9, 10, 59, 60, 123, 199} {
		r, err := s.Search(ctx, eventstore.Query{Text: fmt.Sprintf(`Index:%d "number %d of"`, i, i)})
		if err != nil || !slices.Equal(hitSeqs(r), []uint64{uint64(i + 1)}) {
			t.Errorf("Index:%d: %v (%v), want sequence %d once", i, hitSeqs(r), err, i+1)
		}
	}
}
