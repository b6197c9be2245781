package evtx

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// attackSamples lists the .evtx files of the shared attack samples.
func attackSamples(tb testing.TB) []string {
	tb.Helper()
	root := sharedtest.Path(tb, "evtx-attack-samples")
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(strings.ToLower(path), ".evtx") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// TestAttackSamples reads all 269 attack sample files to the end: no file
// may stop with an error, and every record must carry the System fields.
func TestAttackSamples(t *testing.T) {
	files := attackSamples(t)
	if len(files) != 269 {
		t.Fatalf("found %d attack sample files, want 269", len(files))
	}
	var total Stats
	var ev event.Event
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(f, filepath.Base(path))
		if err != nil {
			t.Errorf("%v", err)
			f.Close()
			continue
		}
		for {
			err := r.Next(&ev)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: %v", path, err)
				break
			}
			// Channel is not required: logs converted from ETW traces leave it empty.
			for _, id := range []event.FieldID{event.EventID, event.Provider, event.RecordID, event.TimeCreated} {
				if !ev.Has(id) {
					t.Errorf("%s: record %d has no %s", path, ev.Record, id)
				}
			}
			if ev.Time.IsZero() || ev.Host == "" || ev.Record == 0 {
				t.Errorf("%s: record %d: time %v, host %q", path, ev.Record, ev.Time, ev.Host)
			}
		}
		f.Close()
		st := r.Stats()
		total.Records += st.Records
		total.Chunks += st.Chunks
		total.SkippedChunks += st.SkippedChunks
		total.SkippedRecords += st.SkippedRecords
		for _, p := range st.Problems {
			t.Logf("problem: %v", p)
		}
	}
	t.Logf("%d files: %d records in %d chunks; skipped %d chunks and %d records",
		len(files), total.Records, total.Chunks, total.SkippedChunks, total.SkippedRecords)
	// The chunk headers of the samples declare 7,455 records in 332 chunks;
	// the files hold no damage.
	if total.Records != 7455 || total.Chunks != 332 || total.SkippedChunks != 0 || total.SkippedRecords != 0 {
		t.Errorf("read %d records in %d chunks, skipped %d chunks and %d records; want 7455 in 332, none skipped",
			total.Records, total.Chunks, total.SkippedChunks, total.SkippedRecords)
	}
}

// TestConcurrentReaders reads the same files from several goroutines at
// once: Readers share pooled buffers, template caches and the field name
// table, which the race detector checks here.
func TestConcurrentReaders(t *testing.T) {
	files := attackSamples(t)[:40]
	count := func() (int64, error) {
		var n int64
		var ev event.Event
		for _, path := range files {
			f, err := os.Open(path)
			if err != nil {
				return 0, err
			}
			r, err := NewReader(f, path)
			if err != nil {
				f.Close()
				return 0, err
			}
			for {
				if err := r.Next(&ev); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					f.Close()
					return 0, err
				}
				n++
			}
			f.Close()
		}
		return n, nil
	}
	want, err := count()
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan error, 4)
	for range 4 {
		go func() {
			n, err := count()
			if err == nil && n != want {
				err = fmt.Errorf("read %d records, want %d", n, want)
			}
			results <- err
		}()
	}
	for range 4 {
		if err := <-results; err != nil {
			t.Error(err)
		}
	}
}
