package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// followEvents are stored in partitions 0, 3 and 5 (none in 1, 2 or 4),
// with stream sequences interleaved over the partitions as a stream's
// are: events 0-9 of storetest.Numbered, every third an HL7 message.
func followEvents(t *testing.T) (*pgstore.EventStore, map[int][]eventstore.Record) {
	t.Helper()
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	evs := storetest.Numbered(10)
	for i := range evs {
		if i%3 == 0 {
			evs[i].LogSource = event.LogSource{Product: "HL7", Service: "adt"}
		}
	}
	recs := storetest.Records(101, evs...) // sequences 101..110
	byPart := map[int][]eventstore.Record{}
	for i, r := range recs {
		p := []int{0, 3, 5}[i%3]
		byPart[p] = append(byPart[p], r)
	}
	ctx := context.Background()
	for _, p := range []int{5, 0, 3} { // partitions stored in any order
		if err := s.AppendPartition(ctx, p, byPart[p]); err != nil {
			t.Fatal(err)
		}
	}
	return s, byPart
}

func seqs(recs []eventstore.Record) []uint64 {
	var out []uint64
	for _, r := range recs {
		out = append(out, r.Seq)
	}
	return out
}

// TestPartitions: the partitions that hold events, in order; none for an
// empty table; the single log's partition -1 is not one.
func TestPartitions(t *testing.T) {
	ctx := context.Background()
	empty := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	if ps, err := empty.Partitions(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("empty table: partitions %v, %v; want none", ps, err)
	}
	if err := empty.Append(ctx, storetest.Records(1, storetest.Numbered(2)...)); err != nil {
		t.Fatal(err)
	}
	if ps, err := empty.Partitions(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("the single log's events only: partitions %v, %v; want none", ps, err)
	}
	s, _ := followEvents(t)
	if ps, err := s.Partitions(ctx); err != nil || !slices.Equal(ps, []int{0, 3, 5}) {
		t.Fatalf("partitions %v, %v; want [0 3 5]", ps, err)
	}
}

// TestReadPartitionFrom: pages of a partition in sequence order from a
// position, the position moving over events that do not match, a full
// page saying so, and an empty partition or an end reading nothing.
func TestReadPartitionFrom(t *testing.T) {
	ctx := context.Background()
	s, byPart := followEvents(t)
	hl7 := []pgstore.LogSource{{Product: "hl7"}}
	tests := []struct {
		name     string
		p        int
		after    uint64
		limit    int
		only     []pgstore.LogSource
		want     []uint64
		wantLast uint64
		wantFull bool
	}{
		{"partition 0 whole", 0, 0, 100, nil, []uint64{101, 104, 107, 110}, 110, false},
		{"partition 0 first page", 0, 0, 2, nil, []uint64{101, 104}, 104, true},
		{"partition 0 from its position", 0, 104, 2, nil, []uint64{107, 110}, 110, true},
		{"partition 0 at its end", 0, 110, 2, nil, nil, 110, false},
		{"partition 3 between its sequences", 3, 103, 100, nil, []uint64{105, 108}, 108, false},
		{"an empty partition", 1, 0, 100, nil, nil, 0, false},
		{"an empty partition keeps the position", 4, 57, 100, nil, nil, 57, false},
		{"HL7 only", 0, 0, 100, hl7, []uint64{101, 104, 107, 110}, 110, false},
		{"HL7 only, none in the page: the position moves", 5, 0, 100, hl7, nil, 109, false},
		{"HL7 only, with service (any case)", 0, 0, 100, []pgstore.LogSource{{Product: "hl7", Service: "ADT"}}, []uint64{101, 104, 107, 110}, 110, false},
		{"service that does not match", 0, 0, 100, []pgstore.LogSource{{Product: "hl7", Service: "siu"}}, nil, 110, false},
		{"either source", 0, 0, 3, []pgstore.LogSource{{Product: "windows"}, {Product: "hl7"}}, []uint64{101, 104, 107}, 107, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.ReadPartitionFrom(ctx, tc.p, tc.after, tc.limit, tc.only)
			if err != nil {
				t.Fatal(err)
			}
			if got := seqs(page.Records); !slices.Equal(got, tc.want) || page.Last != tc.wantLast || page.Full != tc.wantFull {
				t.Fatalf("read %v, last %d, full %v; want %v, last %d, full %v", got, page.Last, page.Full, tc.want, tc.wantLast, tc.wantFull)
			}
		})
	}
	page, err := s.ReadPartitionFrom(ctx, 3, 0, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range page.Records {
		if !bytes.Equal(r.Data, byPart[3][i].Data) {
			t.Errorf("record %d: the bytes read are not those stored", r.Seq)
		}
	}
}

// TestReadPartitionFromRefuses: a negative partition, a limit that is not
// positive and a closed store are refused.
func TestReadPartitionFromRefuses(t *testing.T) {
	ctx := context.Background()
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	for _, c := range []struct {
		p, limit int
	}{{-1, 10}, {0, 0}, {0, -5}} {
		if _, err := s.ReadPartitionFrom(ctx, c.p, 0, c.limit, nil); err == nil {
			t.Errorf("partition %d, limit %d accepted", c.p, c.limit)
		}
	}
	s.Close()
	if _, err := s.ReadPartitionFrom(ctx, 0, 0, 10, nil); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Partitions(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Partitions after Close: %v, want ErrClosed", err)
	}
}

// BenchmarkReadPartitionFrom: reading a partition of 10,000 stored events
// in pages of 1,000 from its start, as the analysing API node's rebuild
// does; "inputs" asks for one event in ten (the privacy inputs among
// Windows events), "all" for every one. Reported per event read.
func BenchmarkReadPartitionFrom(b *testing.B) {
	ctx := context.Background()
	s := pgtest.Open(b, b.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	evs := storetest.Numbered(10_000)
	for i := range evs {
		if i%10 == 0 {
			evs[i].LogSource = event.LogSource{Product: "hl7", Service: "adt"}
		}
	}
	recs := storetest.Records(1, evs...)
	for c := range slices.Chunk(recs, 1000) {
		if err := s.AppendPartition(ctx, 0, c); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name string
		only []pgstore.LogSource
		want int
	}{{"inputs", []pgstore.LogSource{{Product: "hl7"}}, 1000}, {"all", nil, 10_000}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				var pos uint64
				n := 0
				for {
					page, err := s.ReadPartitionFrom(ctx, 0, pos, 1000, bc.only)
					if err != nil {
						b.Fatal(err)
					}
					n, pos = n+len(page.Records), page.Last
					if !page.Full {
						break
					}
				}
				if n != bc.want {
					b.Fatalf("read %d events, want %d", n, bc.want)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/event")
		})
	}
}
