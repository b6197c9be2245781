package httpin

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

// nopSink takes every batch at once.
type nopSink struct{}

func (nopSink) Accept(context.Context, []*event.Event) error { return nil }

type nopQuarantine struct{}

func (nopQuarantine) Reject(string, string, []byte, error) {}

// BenchmarkEventsHandler posts 1000 events (the real examples of every
// layout, repeated) per request through the handler, JSON in, events out.
func BenchmarkEventsHandler(b *testing.B) {
	lines := exampleLines(b)
	var body []byte
	for n := 0; n < 1000; n++ {
		body = append(body, lines[n%len(lines)]...)
		body = append(body, '\n')
	}
	h := NewEventsHandler(nopSink{}, nopQuarantine{}, allow, Options{})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/events", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-ndjson")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Body.String(), `{"accepted":1000,`) {
			b.Fatalf("status %d: %.200s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "events/s")
}
