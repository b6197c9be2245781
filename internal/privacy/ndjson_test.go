package privacy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/ingest/fhir"
)

// sequential reads NDJSON with the fhir package's own Reader, one line
// at a time: what the parallel Loader must agree with.
func sequential(data []byte) (accesses int, badLines []int) {
	rd := fhir.NewReader(bytes.NewReader(data), "x")
	for {
		_, err := rd.Next()
		var fe *fhir.Error
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.As(err, &fe):
			badLines = append(badLines, fe.Line)
		case err != nil:
			return
		default:
			accesses++
		}
	}
}

// loadNDJSON reads data with the Loader and returns how many events it
// kept or skipped, and the lines it reported.
func loadNDJSON(t testing.TB, data []byte) (accesses int, badLines []int) {
	a := New(DefaultOptions())
	l := NewLoader(a, nil)
	l.MaxErrors = 1 << 30
	if err := l.ndjson("x", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Errors {
		badLines = append(badLines, e.(*InputError).Line)
	}
	return len(a.recs) + a.counts.skipped, badLines
}

// FuzzNDJSON checks that the parallel NDJSON loader reads the same events
// and reports the same bad lines as the sequential reader.
func FuzzNDJSON(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "trust", "access.ndjson"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("\xef\xbb\xbf" + strings.SplitAfter(string(seed), "\n")[0] + "\n\r\n{}\nnot json"))
	f.Add(bytes.Repeat([]byte(strings.SplitAfter(string(seed), "\n")[1]), ndjsonBatch+3))
	f.Fuzz(func(t *testing.T, data []byte) {
		wantN, wantBad := sequential(data)
		gotN, gotBad := loadNDJSON(t, data)
		if gotN != wantN || len(gotBad) != len(wantBad) {
			t.Fatalf("loader read %d events, bad lines %v; reader %d, %v", gotN, gotBad, wantN, wantBad)
		}
		for i := range gotBad {
			if gotBad[i] != wantBad[i] {
				t.Fatalf("bad lines %v, reader %v", gotBad, wantBad)
			}
		}
	})
}
