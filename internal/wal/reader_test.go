package wal

import (
	"errors"
	"fmt"
	"testing"
)

// TestReaderKeepsItsPlace polls a log being appended to across segment
// roll-overs, as the event-store follower does: every record is read
// once, in order, and a Seek back reads a record again.
func TestReaderKeepsItsPlace(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{NoSync: true, SegmentBytes: 120})
	r := l.NewReader(0)
	defer r.Close()
	var got []rec
	read := func() {
		t.Helper()
		if err := r.ReadCommitted(func(seq uint64, b []byte) error {
			got = append(got, rec{seq, string(b)})
			return nil
		}); err != nil {
			t.Fatalf("ReadCommitted: %v", err)
		}
	}
	read() // an empty log: nothing, and no error
	var want []string
	for i := range 40 {
		batch := []string{fmt.Sprintf("record-%02d", i)}
		if i%4 == 0 {
			batch = append(batch, fmt.Sprintf("extra-%02d-of-some-length", i))
		}
		appendStrings(t, l, batch...)
		want = append(want, batch...)
		if i%3 == 0 {
			read()
		}
	}
	read()
	if l.Stats().Segments < 5 {
		t.Fatalf("%d segments: the test needs roll-overs", l.Stats().Segments)
	}
	wantRecords(t, got, 1, want...)
	if r.Next() != uint64(len(want))+1 {
		t.Fatalf("Next = %d after %d records", r.Next(), len(want))
	}

	r.Seek(3)
	got = nil
	read()
	wantRecords(t, got, 3, want[2:]...)
}

func TestReaderStopsAtCallbackErrorAndCompaction(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{NoSync: true, SegmentBytes: 60})
	for i := range 12 {
		appendStrings(t, l, fmt.Sprintf("record-%02d-padding", i))
	}
	r := l.NewReader(1)
	defer r.Close()
	stop := errors.New("stop")
	err := r.ReadCommitted(func(seq uint64, _ []byte) error {
		if seq == 4 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || r.Next() != 5 {
		t.Fatalf("ReadCommitted = %v with Next %d, want the callback's error and Next 5", err, r.Next())
	}
	if err := l.TruncateBefore(9); err != nil {
		t.Fatal(err)
	}
	r.Seek(2)
	if err := r.ReadCommitted(func(uint64, []byte) error { return nil }); !errors.Is(err, ErrCompacted) {
		t.Fatalf("reading a truncated record: %v, want ErrCompacted", err)
	}
}
