package httpin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// recordSink keeps a rendering of each event it accepts; err, when set, is
// what Accept answers instead.
type recordSink struct {
	mu     sync.Mutex
	events []string
	calls  int
	err    error
}

func (s *recordSink) Accept(_ context.Context, evs []*event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.err != nil {
		return s.err
	}
	for _, ev := range evs {
		s.events = append(s.events, render(ev))
	}
	return nil
}

// render writes an event's metadata and fields, one per line.
func render(ev *event.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "source=%s host=%s record=%d time=%s logsource=%+v\n", ev.Source, ev.Host, ev.Record, ev.Time.Format(time.RFC3339Nano), ev.LogSource)
	for i := range ev.Len() {
		id, v := ev.Field(i)
		fmt.Fprintf(&b, "  %s=%q\n", id, v)
	}
	return b.String()
}

// rejected is one line handed to the quarantine.
type rejected struct {
	listener, peer, raw string
	reason              error
}

type recordQuarantine struct {
	mu  sync.Mutex
	got []rejected
}

func (q *recordQuarantine) Reject(listener, peer string, raw []byte, reason error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.got = append(q.got, rejected{listener, peer, string(raw), reason})
}

func (q *recordQuarantine) snapshot() []rejected {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.got)
}

// allow authorizes every request.
var allow = AuthorizerFunc(func(*http.Request) error { return nil })

// bearer authorizes requests carrying "Authorization: Bearer secret".
var bearer = AuthorizerFunc(func(r *http.Request) error {
	if r.Header.Get("Authorization") != "Bearer secret" {
		return errors.New("missing or wrong bearer token")
	}
	return nil
})

// post sends body to h and returns the recorded response.
func post(h http.Handler, body []byte, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/events", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-ndjson")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// decodeAnswer reads a 200 answer.
func decodeAnswer(t testing.TB, w *httptest.ResponseRecorder) answer {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var a answer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatalf("answer %s: %v", w.Body, err)
	}
	return a
}

// oneLine returns each JSON value in data compacted to one line; the
// elements of a top-level array count as values. It stops at the first
// value that is not JSON (a snapshot header, XML).
func oneLine(data []byte) []string {
	var lines []string
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return lines
		}
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			elems = []json.RawMessage{raw}
		}
		for _, e := range elems {
			var b bytes.Buffer
			if json.Compact(&b, e) == nil {
				lines = append(lines, b.String())
			}
		}
	}
}
