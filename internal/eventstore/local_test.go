package eventstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
)

func openLocal(t *testing.T, dir string, opts eventstore.Options) eventstore.Store {
	t.Helper()
	opts.NoSync = true
	s, err := eventstore.Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func TestLocal(t *testing.T) {
	storetest.Run(t, func(t *testing.T) eventstore.Store { return openLocal(t, t.TempDir(), eventstore.Options{}) })
}

func TestLocalSmallSegments(t *testing.T) {
	// The same cases with a segment per few events, so that they cross
	// sealed, indexed segments as well as the active one.
	storetest.Run(t, func(t *testing.T) eventstore.Store {
		return openLocal(t, t.TempDir(), eventstore.Options{SegmentBytes: 300})
	})
}

func TestLocalDurable(t *testing.T) {
	storetest.RunDurable(t, openLocal, tearLastSegment)
}

// tearLastSegment appends the start of a frame to the newest segment, as a
// crash during a write can leave: a header promising 500 bytes, and 100.
func tearLastSegment(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	last := ""
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".seg") {
			last = e.Name()
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, last), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(append([]byte{0xf4, 0x01, 0, 0, 1, 2, 3, 4, 9, 0, 0, 0, 0, 0, 0, 0}, strings.Repeat("x", 100)...)); err != nil {
		t.Fatal(err)
	}
}

func TestAppendDoesNotAllocatePerRecord(t *testing.T) {
	s, err := eventstore.Open(t.TempDir(), eventstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs := storetest.Records(1, storetest.Numbered(1000)...)
	next := uint64(0)
	appendAll := func() {
		for i := range recs {
			next++
			recs[i].Seq = next
		}
		if err := s.Append(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
	}
	appendAll() // grow the buffers and the index's tables
	if n := testing.AllocsPerRun(10, appendAll); n > 10 {
		t.Errorf("appending %d records: %v allocations, want a few per call, none per record", len(recs), n)
	}
}
