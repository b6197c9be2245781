package httpin

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// exampleLines returns the winjson examples and the SigmaHQ regression
// samples, each event compacted to one line.
func exampleLines(t testing.TB) []string {
	t.Helper()
	var lines []string
	add := func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(data, []byte("---\n")) { // a snapshot's header
			if i := bytes.Index(data[4:], []byte("\n---\n")); i >= 0 {
				data = data[4+i+5:]
			}
		}
		lines = append(lines, oneLine(data)...)
	}
	winjsonDir := sharedtest.Path(t, "health-examples", "winjson")
	files, _ := filepath.Glob(filepath.Join(winjsonDir, "*"))
	for _, f := range files {
		add(f)
	}
	n := len(lines)
	err := filepath.WalkDir(sharedtest.Path(t, "sigma", "regression_data"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			add(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 || len(lines)-n < 100 {
		t.Fatalf("only %d example events and %d regression events", n, len(lines)-n)
	}
	return lines
}

// TestExamples posts the real examples of every layout as NDJSON and
// checks that each arrives as the event winjson.Decode makes of it.
func TestExamples(t *testing.T) {
	lines := exampleLines(t)
	var want []string
	for _, l := range lines {
		var ev event.Event
		if err := winjson.Decode([]byte(l), &ev); err != nil {
			t.Fatalf("example %.80s: %v", l, err)
		}
		ev.Source = "http"
		if ev.Host == "" {
			ev.Host = "192.0.2.1" // httptest's client address
		}
		want = append(want, render(&ev))
	}
	for _, gz := range []bool{false, true} {
		sink, q := &recordSink{}, &recordQuarantine{}
		h := NewEventsHandler(sink, q, allow, Options{})
		body := []byte(strings.Join(lines, "\n") + "\n")
		var header []string
		if gz {
			body, header = gzipped(t, body), []string{"Content-Encoding", "gzip"}
		}
		a := decodeAnswer(t, post(h, body, header...))
		if a.Accepted != len(lines) || a.RefusedCount != 0 || len(a.Refused) != 0 || len(q.snapshot()) != 0 {
			t.Fatalf("gzip=%v: answer %+v for %d lines", gz, a, len(lines))
		}
		if !slices.Equal(sink.events, want) || sink.calls != 1 {
			t.Fatalf("gzip=%v: the sink got %d events in %d calls, not the %d decoded", gz, len(sink.events), sink.calls, len(want))
		}
	}
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRefusedLines mixes good, malformed, blank and over-long lines: the
// good ones are accepted and the bad ones refused with their line numbers
// and quarantined with their reason.
func TestRefusedLines(t *testing.T) {
	sink, q := &recordSink{}, &recordQuarantine{}
	h := NewEventsHandler(sink, q, allow, Options{MaxLine: 64})
	body := strings.Join([]string{
		`{"EventID": 4624, "Computer": "ward-pc-7"}`,
		`{"EventID": 4625,`,
		``,
		"  \t\r",
		`not json`,
		`{"logsource": {"product": "linux"}, "msg": "x"}`,
		`{"Data": "` + strings.Repeat("y", 80) + `"}`,
		`[1, 2]`,
		`{"EventID": 1} trailing`,
	}, "\r\n")
	a := decodeAnswer(t, post(h, []byte(body)))
	wantLines := []int{2, 5, 7, 8, 9}
	var gotLines []int
	for _, r := range a.Refused {
		gotLines = append(gotLines, r.Line)
		if r.Error == "" || strings.HasPrefix(r.Error, "line") {
			t.Errorf("line %d refused with %q; want the reason alone", r.Line, r.Error)
		}
	}
	if a.Accepted != 2 || !slices.Equal(gotLines, wantLines) || a.RefusedCount != len(wantLines) {
		t.Fatalf("answer %+v; want 2 accepted and lines %v refused", a, wantLines)
	}
	if !strings.Contains(a.Refused[2].Error, "longer than 64 bytes") {
		t.Errorf("line 7 refused with %q, want its length", a.Refused[2].Error)
	}
	if len(sink.events) != 2 || !strings.Contains(sink.events[0], "host=ward-pc-7") || !strings.Contains(sink.events[1], "host=192.0.2.1") ||
		!strings.Contains(sink.events[1], "Product:linux") {
		t.Errorf("events %q", sink.events)
	}
	got := q.snapshot()
	if len(got) != len(wantLines) {
		t.Fatalf("quarantined %d lines, want %d", len(got), len(wantLines))
	}
	for i, r := range got {
		if r.listener != "http" || r.peer != "192.0.2.1:1234" || !strings.HasPrefix(r.reason.Error(), "line ") || r.raw == "" || len(r.raw) > 64 {
			t.Errorf("quarantined %d: %s %s %q: %v", i, r.listener, r.peer, r.raw, r.reason)
		}
	}
	if got[0].raw != `{"EventID": 4625,` {
		t.Errorf("quarantined line 2 as %q", got[0].raw)
	}
}

// TestStatuses checks every answer other than 200.
func TestStatuses(t *testing.T) {
	event := []byte(`{"EventID": 1}` + "\n")
	blank := bytes.Repeat([]byte("\n"), 30000) // no events, so only the size counts
	bomb := gzipped(t, blank)
	tests := []struct {
		name       string
		method     string
		body       []byte
		header     []string
		sinkErr    error
		status     int
		says       string
		sinkCalled bool
	}{
		{"no token", "POST", event, []string{"Authorization", ""}, nil, 401, "not authorized: missing or wrong bearer token", false},
		{"wrong token", "POST", event, []string{"Authorization", "Bearer nope"}, nil, 401, "not authorized", false},
		{"GET", "GET", nil, nil, nil, 405, "method GET not allowed", false},
		{"text/plain", "POST", event, []string{"Content-Type", "text/plain"}, nil, 415, `content type \"text/plain\" not supported`, false},
		{"no content type", "POST", event, []string{"Content-Type", ""}, nil, 415, "no content type", false},
		{"brotli", "POST", event, []string{"Content-Encoding", "br"}, nil, 415, `content encoding \"br\" not supported`, false},
		{"body over MaxBody", "POST", blank, nil, nil, 413, "body over 10000 bytes", false},
		{"gzip inflating over MaxBody", "POST", bomb, []string{"Content-Encoding", "gzip"}, nil, 413, "body over 10000 bytes", false},
		{"broken gzip", "POST", []byte("not gzip"), []string{"Content-Encoding", "gzip"}, nil, 400, "gzip", false},
		{"too many events", "POST", bytes.Repeat(event, 11), nil, nil, 413, "more than 10 events in one request (at line 11)", false},
		{"overloaded", "POST", event, nil, ingest.ErrOverloaded, 429, "none of the 1 events was stored; send them again after 2 seconds", true},
		{"sink failure", "POST", event, nil, errors.New("disk full"), 503, "events not stored: disk full", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink, q := &recordSink{err: tt.sinkErr}, &recordQuarantine{}
			h := NewEventsHandler(sink, q, bearer, Options{MaxBody: 10000, BatchSize: 10, RetryAfter: 1500 * time.Millisecond})
			r := httptest.NewRequest(tt.method, "/api/v1/events", bytes.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-ndjson; charset=utf-8")
			r.Header.Set("Authorization", "Bearer secret")
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Set(tt.header[i], tt.header[i+1])
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.says) || !strings.HasPrefix(w.Body.String(), `{"error":`) {
				t.Fatalf("status %d %s; want %d saying %q", w.Code, w.Body, tt.status, tt.says)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if (sink.calls > 0) != tt.sinkCalled || len(sink.events) != 0 || len(q.snapshot()) != 0 {
				t.Errorf("sink called %d times with %d events stored, %d quarantined", sink.calls, len(sink.events), len(q.snapshot()))
			}
			checkHeader := map[int][2]string{405: {"Allow", "POST"}, 401: {"WWW-Authenticate", "Bearer"}, 429: {"Retry-After", "2"}}
			if hv, ok := checkHeader[tt.status]; ok && w.Header().Get(hv[0]) != hv[1] {
				t.Errorf("%s = %q, want %q", hv[0], w.Header().Get(hv[0]), hv[1])
			}
		})
	}
}

// TestOverloadedQuarantinesNothing checks that a request answered 429 is
// taken whole when sent again: its refused lines are quarantined once.
func TestOverloadedQuarantinesNothing(t *testing.T) {
	sink, q := &recordSink{err: ingest.ErrOverloaded}, &recordQuarantine{}
	h := NewEventsHandler(sink, q, allow, Options{})
	body := []byte("{\"EventID\": 1}\nbad\n{\"EventID\": 2}\n")
	if w := post(h, body); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q; want 429 after 1", w.Code, w.Header().Get("Retry-After"))
	}
	if len(q.snapshot()) != 0 {
		t.Fatalf("quarantined %d lines of a request that was not taken", len(q.snapshot()))
	}
	sink.err = nil
	a := decodeAnswer(t, post(h, body))
	if a.Accepted != 2 || a.RefusedCount != 1 || a.Refused[0].Line != 2 || len(q.snapshot()) != 1 || len(sink.events) != 2 {
		t.Fatalf("retry: answer %+v, %d quarantined, %d stored", a, len(q.snapshot()), len(sink.events))
	}
}

// TestEmptyBody checks that a body with no events is answered without
// calling the sink.
func TestEmptyBody(t *testing.T) {
	sink := &recordSink{}
	h := NewEventsHandler(sink, &recordQuarantine{}, allow, Options{})
	a := decodeAnswer(t, post(h, []byte("\n\n  \n")))
	if a.Accepted != 0 || a.RefusedCount != 0 || a.Refused == nil || sink.calls != 0 {
		t.Fatalf("answer %+v, sink called %d times", a, sink.calls)
	}
}

// TestManyRefusals checks that the list of refused lines is bounded and
// refused_count counts them all.
func TestManyRefusals(t *testing.T) {
	h := NewEventsHandler(&recordSink{}, &recordQuarantine{}, allow, Options{})
	a := decodeAnswer(t, post(h, bytes.Repeat([]byte("x\n"), 2500)))
	if len(a.Refused) != maxListed || a.RefusedCount != 2500 || a.Refused[maxListed-1].Line != maxListed {
		t.Fatalf("listed %d, counted %d", len(a.Refused), a.RefusedCount)
	}
}
