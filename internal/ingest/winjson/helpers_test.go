package winjson

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// values returns every value of the named field.
func values(ev *event.Event, name string) []string {
	id, ok := event.Lookup(name)
	if !ok {
		return nil
	}
	var vs []string
	for i := ev.Index(id); i >= 0; i = ev.Next(i) {
		vs = append(vs, ev.Value(i))
	}
	return vs
}

// render writes an event as stable text for golden files and diffs: the
// metadata, then each field in the order it was added.
func render(ev *event.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Time: %s\n", ev.Time.Format(time.RFC3339Nano))
	fmt.Fprintf(&b, "Source: %s\nRecord: %d\nHost: %q\n", ev.Source, ev.Record, ev.Host)
	if ls := ev.LogSource; ls != (event.LogSource{}) {
		fmt.Fprintf(&b, "LogSource: product=%q category=%q service=%q\n", ls.Product, ls.Category, ls.Service)
	}
	for i := range ev.Len() {
		id, v := ev.Field(i)
		fmt.Fprintf(&b, "  %s = %q\n", id, v)
	}
	return b.String()
}

func mustDecode(t *testing.T, in string) *event.Event {
	t.Helper()
	var ev event.Event
	if err := Decode([]byte(in), &ev); err != nil {
		t.Fatalf("Decode(%s): %v", in, err)
	}
	return &ev
}
