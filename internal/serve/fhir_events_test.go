package serve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"testing"
	"testing/iotest"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/httpin"
)

// cloningSink keeps a copy of every event's fields, source and host.
type cloningSink struct{ got []map[string]any }

// Accept implements ingest.Sink.
func (s *cloningSink) Accept(_ context.Context, evs []*event.Event) error {
	for _, ev := range evs {
		m := ev.Map()
		m["_source"], m["_host"] = ev.Source, ev.Host
		s.got = append(s.got, m)
	}
	return nil
}

// TestFHIREventsReused sends requests of different sizes one after the
// other, so that later ones reuse the events of earlier ones, and checks
// that every event the sink sees is what a new event would hold: no value
// left over from an earlier request.
func TestFHIREventsReused(t *testing.T) {
	ex := fhirExamples(t)
	names := make([]string, 0, len(ex))
	for name := range ex {
		names = append(names, name)
	}
	sort.Strings(names)
	sizes := []int{5, 1, 3, len(names), 2}
	sink := &cloningSink{}
	h := newFHIRHandler(sink, &fakeQuarantine{}, httpin.AuthorizerFunc(func(*http.Request) error { return nil }), nil)
	mux := http.NewServeMux()
	h.register(mux)
	var want []map[string]any
	next := 0
	for _, size := range sizes {
		var body bytes.Buffer
		for range size {
			raw := ex[names[next%len(names)]]
			next++
			body.Write(bytes.ReplaceAll(raw, []byte("\n"), nil))
			body.WriteByte('\n')
			want = append(want, freshFHIREvent(t, raw))
		}
		req := httptest.NewRequest("POST", "/fhir/AuditEvent", &body)
		req.RemoteAddr = "192.0.2.7:4000"
		req.Header.Set("Content-Type", "application/fhir+ndjson")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("request of %d: status %d: %s", size, w.Code, w.Body.String())
		}
	}
	if len(sink.got) != len(want) {
		t.Fatalf("sink took %d events, want %d", len(sink.got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(sink.got[i], want[i]) {
			t.Errorf("event %d:\n got %v\nwant %v", i, sink.got[i], want[i])
		}
	}
}

// freshFHIREvent is the event the handler should send for raw, built into
// a new event.
func freshFHIREvent(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	a, err := fhir.ParseAuditEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	ev := new(event.Event)
	a.ToEvent(ev)
	m := ev.Map()
	host := ev.Host
	if host == "" {
		host = "192.0.2.7"
	}
	m["_source"], m["_host"] = fhirListener, host
	return m
}

// TestReadSized reads bodies whose declared size is right, too small,
// too large or unknown, whole or a byte at a time, and one that fails.
func TestReadSized(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100)
	broken := errors.New("connection reset")
	tests := []struct {
		name    string
		r       io.Reader
		size    int64
		want    []byte
		wantErr error
	}{
		{"exact", bytes.NewReader(body), 1000, body, nil},
		{"exact, byte at a time", iotest.OneByteReader(bytes.NewReader(body)), 1000, body, nil},
		{"longer than declared", bytes.NewReader(body), 10, body, nil},
		{"longer, byte at a time", iotest.OneByteReader(bytes.NewReader(body)), 999, body, nil},
		{"shorter than declared", bytes.NewReader(body[:7]), 1000, body[:7], nil},
		{"unknown size", bytes.NewReader(body), -1, body, nil},
		{"declared over the limit", bytes.NewReader(body), 1 << 40, body, nil},
		{"empty", bytes.NewReader(nil), 0, []byte{}, nil},
		{"fails", io.MultiReader(bytes.NewReader(body[:5]), iotest.ErrReader(broken)), 1000, body[:5], broken},
	}
	for _, tt := range tests {
		got, err := readSized(tt.r, tt.size, 1<<20)
		if !errors.Is(err, tt.wantErr) || !bytes.Equal(got, tt.want) {
			t.Errorf("%s: got %d bytes, %v; want %d bytes, %v", tt.name, len(got), err, len(tt.want), tt.wantErr)
		}
	}
}
