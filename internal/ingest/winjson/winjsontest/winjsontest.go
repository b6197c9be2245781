// Package winjsontest reads JSON event files in tests the way the product
// does, with winjson, for packages whose tests check themselves against
// the evtx_dump renderings of SigmaHQ's regression data.
package winjsontest

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
)

// ReadFile returns every event of the JSON file at path. A skipped object
// fails the test: the files it is used on are clean.
func ReadFile(tb testing.TB, path string) []*event.Event {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := winjson.NewReader(f, path)
	var evs []*event.Event
	for {
		ev := new(event.Event)
		if err := r.Next(ev); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if st := r.Stats(); st.Skipped != 0 {
		tb.Fatalf("%s: %d objects skipped: %v", path, st.Skipped, st.Problems)
	}
	return evs
}
