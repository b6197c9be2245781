package wal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type rec struct {
	seq  uint64
	data string
}

func openLog(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func readAll(t testing.TB, l *Log, from uint64) []rec {
	t.Helper()
	var out []rec
	err := l.Read(from, func(seq uint64, b []byte) error {
		out = append(out, rec{seq, string(b)})
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%d): %v", from, err)
	}
	return out
}

func appendStrings(t testing.TB, l *Log, ss ...string) (uint64, uint64) {
	t.Helper()
	recs := make([][]byte, len(ss))
	for i, s := range ss {
		recs[i] = []byte(s)
	}
	first, last, err := l.Append(recs...)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if last-first+1 != uint64(len(ss)) {
		t.Fatalf("Append of %d records returned %d..%d", len(ss), first, last)
	}
	return first, last
}

// wantRecords fails unless got holds want[i] at sequence number from+i.
func wantRecords(t testing.TB, got []rec, from uint64, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d: %v", len(got), len(want), got)
	}
	for i, r := range got {
		if r.seq != from+uint64(i) || r.data != want[i] {
			t.Fatalf("record %d = %d:%q, want %d:%q", i, r.seq, r.data, from+uint64(i), want[i])
		}
	}
}

func TestAppendReadAndReopen(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{NoSync: true})
	if first, last, err := l.Append(); first != 0 || last != 0 || err != nil {
		t.Fatalf("empty Append = %d, %d, %v", first, last, err)
	}
	if f, _ := appendStrings(t, l, "a"); f != 1 {
		t.Fatalf("first sequence number = %d, want 1", f)
	}
	if f, la := appendStrings(t, l, "b", "", "d"); f != 2 || la != 4 {
		t.Fatalf("second append = %d..%d, want 2..4", f, la)
	}
	wantRecords(t, readAll(t, l, 0), 1, "a", "b", "", "d")
	wantRecords(t, readAll(t, l, 3), 3, "", "d")
	wantRecords(t, readAll(t, l, 9), 9)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Append([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close = %v, want ErrClosed", err)
	}
	l = openLog(t, dir, Options{NoSync: true})
	if f, _ := appendStrings(t, l, "e"); f != 5 {
		t.Fatalf("after reopen the next record got %d, want 5", f)
	}
	wantRecords(t, readAll(t, l, 0), 1, "a", "b", "", "d", "e")
	if s := l.Stats(); s.First != 1 || s.Last != 5 || s.TornBytes != 0 || s.Bytes != 5*headerBytes+4 {
		t.Fatalf("Stats = %+v", s)
	}
}

func TestReadStopsAtCallbackError(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{NoSync: true})
	appendStrings(t, l, "a", "b", "c")
	stop := errors.New("stop")
	n := 0
	err := l.Read(0, func(uint64, []byte) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Read = %v after %d calls, want the callback's error after 1", err, n)
	}
}

func TestConcurrentAppendsShareCommits(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{}) // real fsync: batching is what it saves
	const writers, each = 32, 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[uint64]string{}
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				p := fmt.Sprintf("w%d-%d", w, i)
				first, _, err := l.Append([]byte(p))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[first] = p
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	got := readAll(t, l, 0)
	if len(got) != writers*each || len(seen) != writers*each {
		t.Fatalf("read %d records, acknowledged %d distinct, want %d", len(got), len(seen), writers*each)
	}
	for i, r := range got {
		if r.seq != uint64(i+1) || seen[r.seq] != r.data {
			t.Fatalf("record %d = %d:%q, acknowledged as %q", i, r.seq, r.data, seen[r.seq])
		}
	}
	s := l.Stats()
	if s.Appends != writers*each || s.Batches >= s.Appends {
		t.Fatalf("%d appends took %d commits; concurrent appends must share them", s.Appends, s.Batches)
	}
	t.Logf("%d appends in %d commits", s.Appends, s.Batches)
}

func TestSegmentRollOver(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{NoSync: true, SegmentBytes: 100})
	var want []string
	for i := range 30 {
		// Batches of 1 to 3 records, some larger than a segment.
		batch := []string{fmt.Sprintf("record-%02d", i)}
		if i%3 == 0 {
			batch = append(batch, strings.Repeat("x", 150), "tail")
		}
		appendStrings(t, l, batch...)
		want = append(want, batch...)
	}
	s := l.Stats()
	if s.Segments < 5 {
		t.Fatalf("%d segments of at most 100 bytes for %d bytes", s.Segments, s.Bytes)
	}
	assertSegmentsNamedByFirst(t, l)
	wantRecords(t, readAll(t, l, 0), 1, want...)
	wantRecords(t, readAll(t, l, 17), 17, want[16:]...)
	l.Close()
	l = openLog(t, dir, Options{NoSync: true, SegmentBytes: 100})
	wantRecords(t, readAll(t, l, 0), 1, want...)
	if s2 := l.Stats(); s2.Bytes != s.Bytes || s2.Segments != s.Segments {
		t.Fatalf("after reopen Stats = %+v, before %+v", s2, s)
	}
}

// assertSegmentsNamedByFirst checks each segment file's name against the
// first record read from it.
func assertSegmentsNamedByFirst(t *testing.T, l *Log) {
	t.Helper()
	l.mu.Lock()
	segs := append([]segment(nil), l.segs...)
	l.mu.Unlock()
	for i, seg := range segs[:len(segs)-1] {
		c := cursor{l: l, seq: seg.first}
		seq, _, err := c.next()
		c.release()
		if err != nil || seq != seg.first || filepath.Base(seg.path) != segmentName(seq) {
			t.Fatalf("segment %d %s: first record %d, %v", i, seg.path, seq, err)
		}
	}
}

func TestFollow(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{NoSync: true, SegmentBytes: 64})
	appendStrings(t, l, "before-1", "before-2")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan rec, 100)
	done := make(chan error, 1)
	go func() {
		for r, err := range l.Follow(ctx, 2) {
			if err != nil {
				done <- err
				return
			}
			got <- rec{r.Seq, string(r.Data)}
		}
		done <- nil
	}()
	want := []string{"before-2"}
	for i := range 20 { // across several segments
		s := fmt.Sprintf("live-%02d", i)
		appendStrings(t, l, s)
		want = append(want, s)
	}
	for i, w := range want {
		select {
		case r := <-got:
			if r.seq != uint64(i+2) || r.data != w {
				t.Fatalf("followed %d:%q, want %d:%q", r.seq, r.data, i+2, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("follower stalled waiting for record %d", i+2)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow ended with %v, want context.Canceled", err)
	}
}

func TestFollowEndsOnClose(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{NoSync: true})
	appendStrings(t, l, "a")
	done := make(chan error, 1)
	go func() {
		n := 0
		for _, err := range l.Follow(context.Background(), 0) {
			if err != nil {
				if n != 1 {
					err = fmt.Errorf("%d records before %w", n, err)
				}
				done <- err
				return
			}
			n++
		}
	}()
	time.Sleep(10 * time.Millisecond) // let it reach the wait; correctness does not depend on it
	l.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Follow ended with %v, want ErrClosed", err)
	}
}

func TestFollowStopsWhenTheLoopBreaks(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{NoSync: true})
	appendStrings(t, l, "a", "b", "c")
	var seqs []uint64
	for r, err := range l.Follow(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, r.Seq)
		if r.Seq == 2 {
			break
		}
	}
	if fmt.Sprint(seqs) != "[1 2]" {
		t.Fatalf("followed %v, want [1 2]", seqs)
	}
}

func TestCheckpoints(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{NoSync: true})
	if seq, err := l.Checkpoint("detector"); seq != 0 || err != nil {
		t.Fatalf("missing checkpoint = %d, %v; want 0, nil", seq, err)
	}
	for _, seq := range []uint64{7, 3, 1 << 60} {
		if err := l.SetCheckpoint("detector", seq); err != nil {
			t.Fatal(err)
		}
		if got, err := l.Checkpoint("detector"); got != seq || err != nil {
			t.Fatalf("Checkpoint = %d, %v; want %d", got, err, seq)
		}
	}
	if err := l.SetCheckpoint("archiver", 42); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "../x", "a/b", strings.Repeat("n", 65), "dot.name"} {
		if err := l.SetCheckpoint(bad, 1); err == nil {
			t.Errorf("SetCheckpoint(%q) accepted a bad name", bad)
		}
	}
	l.Close()
	l = openLog(t, dir, Options{NoSync: true})
	if got, _ := l.Checkpoint("detector"); got != 1<<60 {
		t.Fatalf("after reopen detector = %d", got)
	}
	if got, _ := l.Checkpoint("archiver"); got != 42 {
		t.Fatalf("after reopen archiver = %d", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "archiver.ckpt"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Checkpoint("archiver"); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "archiver.ckpt") {
		t.Fatalf("damaged checkpoint: %v", err)
	}
}

func TestLeftoverTempFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "detector.ckpt.tmp"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	openLog(t, dir, Options{NoSync: true})
	if _, err := os.Stat(filepath.Join(dir, "detector.ckpt.tmp")); !os.IsNotExist(err) {
		t.Fatalf("leftover temporary file still there: %v", err)
	}
}

func TestTruncateBefore(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{NoSync: true, SegmentBytes: 40}) // two 10-byte records a segment
	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprintf("rec-%02d", i))
		appendStrings(t, l, want[i])
	}
	before := l.Stats()
	if err := l.TruncateBefore(6); err != nil {
		t.Fatal(err)
	}
	s := l.Stats()
	if s.First != 5 || s.Last != 10 || s.Segments != before.Segments-2 || s.Bytes >= before.Bytes {
		t.Fatalf("after TruncateBefore(6): Stats = %+v (before %+v)", s, before)
	}
	wantRecords(t, readAll(t, l, 0), 5, want[4:]...)
	if err := l.Read(1, func(uint64, []byte) error { return nil }); !errors.Is(err, ErrCompacted) {
		t.Fatalf("Read below the oldest = %v, want ErrCompacted", err)
	}
	if err := l.TruncateBefore(1 << 62); err != nil {
		t.Fatal(err)
	}
	if s := l.Stats(); s.Segments != 1 {
		t.Fatalf("the active segment must stay: %d segments", s.Segments)
	}
	l.Close()
	l = openLog(t, dir, Options{NoSync: true, SegmentBytes: 40})
	if f, _ := appendStrings(t, l, "next"); f != 11 {
		t.Fatalf("after retention and reopen the next record got %d, want 11", f)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	dir := t.TempDir()
	openLog(t, dir, Options{NoSync: true})
	if l, err := Open(dir, Options{NoSync: true}); err == nil {
		l.Close()
		t.Fatal("a second Open of the same directory succeeded")
	}
}

func TestAppendRefusesOversizeRecords(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{NoSync: true})
	_, _, err := l.Append([]byte("ok"), make([]byte, MaxRecordBytes+1))
	if err == nil || !strings.Contains(err.Error(), "record 1") {
		t.Fatalf("oversize record: %v", err)
	}
	if s := l.Stats(); s.Last != 0 {
		t.Fatalf("a refused call appended %d records", s.Last)
	}
}

// buildLog writes recs to a new log in dir and returns the path of its one
// segment and the offset where each record's frame starts.
func buildLog(t *testing.T, dir string, recs ...string) (string, []int64) {
	t.Helper()
	l := openLog(t, dir, Options{NoSync: true})
	var offs []int64
	off := int64(0)
	for _, r := range recs {
		appendStrings(t, l, r)
		offs = append(offs, off)
		off += headerBytes + int64(len(r))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, segmentName(1)), offs
}

func TestTornTailAtEveryOffset(t *testing.T) {
	recs := []string{"first", "second record", strings.Repeat("the torn one ", 8)}
	src := t.TempDir()
	seg, offs := buildLog(t, src, recs...)
	whole, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	lastOff := offs[len(offs)-1]
	for cut := lastOff; cut < int64(len(whole)); cut++ {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, segmentName(1)), whole[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := Open(dir, Options{NoSync: true})
		if err != nil {
			t.Fatalf("cut at %d: Open: %v", cut, err)
		}
		got := readAll(t, l, 0)
		wantRecords(t, got, 1, recs[:2]...)
		s := l.Stats()
		if torn := cut - lastOff; s.TornBytes != torn || (torn > 0 && (s.TornOffset != lastOff || s.TornFile != segmentName(1))) {
			t.Fatalf("cut at %d: Stats says %d bytes cut at %s:%d, want %d at %d", cut, s.TornBytes, s.TornFile, s.TornOffset, torn, lastOff)
		}
		if f, _ := appendStrings(t, l, "after"); f != 3 {
			t.Fatalf("cut at %d: next record got %d, want 3", cut, f)
		}
		wantRecords(t, readAll(t, l, 0), 1, recs[0], recs[1], "after")
		l.Close()
	}
}

func TestTornTailVariants(t *testing.T) {
	tests := []struct {
		name   string
		damage func(b []byte, last int64) []byte
	}{
		{"last record's payload garbled", func(b []byte, last int64) []byte { b[len(b)-1] ^= 0xff; return b }},
		{"zeros where the last record was", func(b []byte, last int64) []byte { clear(b[last:]); return b }},
		{"zeros after the last record", func(b []byte, last int64) []byte { return append(b, make([]byte, 4096)...) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			seg, offs := buildLog(t, dir, "one", "two", "three")
			b, _ := os.ReadFile(seg)
			b = tt.damage(b, offs[2])
			os.WriteFile(seg, b, 0o600)
			l := openLog(t, dir, Options{NoSync: true})
			got := readAll(t, l, 0)
			if len(got) < 2 || got[0].data != "one" || got[1].data != "two" || l.Stats().TornBytes == 0 {
				t.Fatalf("recovered %v with Stats %+v", got, l.Stats())
			}
		})
	}
}

func TestCorruptMiddleRecordIsReported(t *testing.T) {
	tests := []struct {
		name   string
		at     func(offs []int64) int64 // byte to flip
		reason string
	}{
		{"payload", func(offs []int64) int64 { return offs[1] + headerBytes + 2 }, "checksum"},
		{"length", func(offs []int64) int64 { return offs[1] + 3 }, "exceeds the limit"},
		{"checksum", func(offs []int64) int64 { return offs[1] + 5 }, "checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			seg, offs := buildLog(t, dir, "one", "two records on", "three")
			b, _ := os.ReadFile(seg)
			b[tt.at(offs)] ^= 0x40
			os.WriteFile(seg, b, 0o600)
			_, err := Open(dir, Options{NoSync: true})
			var ce *CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open = %v, want a CorruptError", err)
			}
			want := fmt.Sprintf("%s at offset %d", segmentName(1), offs[1])
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("error %q does not say %q and %q", err, want, tt.reason)
			}
			after, _ := os.ReadFile(seg)
			if !bytes.Equal(after, b) {
				t.Fatal("Open changed a corrupt segment; it must leave it for inspection")
			}
		})
	}
}

func TestCorruptOlderSegmentIsReportedOnRead(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{NoSync: true, SegmentBytes: 40})
	for i := range 6 {
		appendStrings(t, l, fmt.Sprintf("rec-%02d", i))
	}
	l.Close()
	seg := filepath.Join(dir, segmentName(1))
	b, _ := os.ReadFile(seg)
	b[headerBytes+1] ^= 1
	os.WriteFile(seg, b, 0o600)
	l = openLog(t, dir, Options{NoSync: true, SegmentBytes: 40})
	err := l.Read(0, func(uint64, []byte) error { return nil })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), segmentName(1)+" at offset 0") {
		t.Fatalf("Read over a damaged segment = %v", err)
	}
}

func TestBoundedQueueAndCloseDuringAppends(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{NoSync: true, QueueLen: 2, SegmentBytes: 256})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	acked := map[uint64]string{}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				p := fmt.Sprintf("w%d-%d", w, i)
				first, _, err := l.Append([]byte(p))
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[first] = p
				mu.Unlock()
			}
		})
	}
	for l.Stats().Records < 500 {
		time.Sleep(time.Millisecond)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	l = openLog(t, dir, Options{NoSync: true})
	got := readAll(t, l, 0)
	if len(got) != len(acked) {
		t.Fatalf("log holds %d records, %d were acknowledged", len(got), len(acked))
	}
	for _, r := range got {
		if acked[r.seq] != r.data {
			t.Fatalf("record %d = %q, acknowledged as %q", r.seq, r.data, acked[r.seq])
		}
	}
}
