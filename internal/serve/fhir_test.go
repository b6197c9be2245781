package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/httpin"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// badAuditEvent is an AuditEvent whose agent.requestor is not a boolean.
const badAuditEvent = `{"resourceType":"AuditEvent","recorded":"2024-06-03T09:00:00Z","agent":[{"requestor":"yes"}]}`

// fhirExamples returns the JSON AuditEvent examples, by file name.
func fhirExamples(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "health-examples", "fhir-auditevent"), "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no FHIR examples: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		out[filepath.Base(f)] = readFile(t, f)
	}
	return out
}

// postFHIR sends body to route with the token and content type, and
// returns the response with its body read.
func (ts *testService) postFHIR(t *testing.T, route, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.base+route, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// bundleOf makes a Bundle of the given type from resources.
func bundleOf(typ string, resources ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resourceType":"Bundle","type":"` + typ + `","entry":[`)
	for i, r := range resources {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"resource":`)
		b.Write(r)
		b.WriteString(`,"request":{"method":"POST","url":"AuditEvent"}}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

type bundleReply struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type"`
	Entry        []struct {
		Response struct {
			Status   string            `json:"status"`
			Location string            `json:"location"`
			Outcome  *operationOutcome `json:"outcome"`
		} `json:"response"`
	} `json:"entry"`
}

// TestFHIRStoresEveryExample posts each real AuditEvent example alone, then
// all of them in a batch Bundle with a malformed one in the middle: every
// example is stored, the malformed entry gets 400 with an OperationOutcome
// naming its element and is quarantined, and the others land.
func TestFHIRStoresEveryExample(t *testing.T) {
	ts := startService(t, testConfig(t))
	examples := fhirExamples(t)
	for name, body := range examples {
		resp, data := ts.postFHIR(t, "/fhir/AuditEvent", "application/fhir+json", body)
		if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(resp.Header.Get("Location"), "AuditEvent/") {
			t.Errorf("%s: status %d, Location %q: %s", name, resp.StatusCode, resp.Header.Get("Location"), data)
		}
	}
	var resources [][]byte
	for _, body := range examples {
		resources = append(resources, body)
	}
	bad := len(resources) / 2
	resources = append(resources[:bad], append([][]byte{[]byte(badAuditEvent)}, resources[bad:]...)...)
	resp, data := ts.postFHIR(t, "/fhir", "application/fhir+json", bundleOf("batch", resources...))
	var got bundleReply
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &got) != nil || got.Type != "batch-response" || len(got.Entry) != len(resources) {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	for i, e := range got.Entry {
		switch {
		case i == bad:
			oo := e.Response.Outcome
			want := "Bundle.entry[" + itoa(bad) + "].resource.agent.requestor"
			if e.Response.Status != "400 Bad Request" || oo == nil || oo.Issue[0].Severity != "error" ||
				oo.Issue[0].Code != "invalid" || len(oo.Issue[0].Expression) != 1 || oo.Issue[0].Expression[0] != want {
				t.Errorf("malformed entry %d: %+v, want 400 naming %s", i, e.Response, want)
			}
		case e.Response.Status != "201 Created" || !strings.HasPrefix(e.Response.Location, "AuditEvent/"):
			t.Errorf("entry %d: %+v", i, e.Response)
		}
	}
	want := uint64(2 * len(examples))
	var st Stats
	waitFor(t, "every example stored and processed", func() bool {
		ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
		return st.EventsStored == want && st.EventsProcessed == want && st.EventsIn[fhirListener] == int64(want)
	})
	if st.Quarantined != 1 || ts.svc.quar.Counts()[fhirListener] != 1 {
		t.Errorf("quarantined %d (%v), want the malformed entry", st.Quarantined, ts.svc.quar.Counts())
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// fakeSink answers err, or takes the events.
type fakeSink struct {
	mu   sync.Mutex
	err  error
	evs  int
	host []string
}

func (s *fakeSink) Accept(_ context.Context, evs []*event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.evs += len(evs)
	for _, ev := range evs {
		s.host = append(s.host, ev.Host)
	}
	return nil
}

type fakeQuarantine struct {
	mu      sync.Mutex
	reasons []string
}

func (q *fakeQuarantine) Reject(listener, peer string, raw []byte, reason error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.reasons = append(q.reasons, reason.Error())
}

// TestFHIRAnswers checks each kind of request against the handler alone.
func TestFHIRAnswers(t *testing.T) {
	good := `{"resourceType":"AuditEvent","recorded":"2024-06-03T09:00:00Z","agent":[{"requestor":true,"who":{"identifier":{"value":"nurse1"}}}]}`
	tests := []struct {
		name, route, ctype, body string
		sinkErr                  error
		status, stored, quar     int
		want                     []string // in the answer, or its headers
	}{
		{"one, no id", "/fhir/AuditEvent", "application/fhir+json", good, nil, 201, 1, 0, []string{"Location: AuditEvent/"}},
		{"one malformed", "/fhir/AuditEvent", "application/json", badAuditEvent, nil, 400, 0, 1, []string{`"expression":["AuditEvent.agent.requestor"]`, `"code":"invalid"`}},
		{"not JSON", "/fhir/AuditEvent", "application/fhir+json", `{"resourceType":`, nil, 400, 0, 1, []string{`"code":"structure"`}},
		{"ndjson", "/fhir/AuditEvent", "application/fhir+ndjson", good + "\n\n" + badAuditEvent + "\n" + good, nil, 200, 2, 1, []string{`"status":"201 Created"`, "line 3: AuditEvent.agent.requestor"}},
		{"transaction", "/fhir/Bundle", "application/fhir+json", string(bundleOf("transaction", []byte(good), []byte("null"))), nil, 200, 1, 1, []string{`"type":"transaction-response"`, "Bundle.entry[1].resource: is missing"}},
		{"bundle of another type", "/fhir", "application/fhir+json", `{"resourceType":"Bundle","type":"history"}`, nil, 400, 0, 1, []string{`"expression":["Bundle.type"]`}},
		{"an AuditEvent to /fhir", "/fhir", "application/fhir+json", good, nil, 400, 0, 1, []string{"POST a Bundle here"}},
		{"overloaded", "/fhir/AuditEvent", "application/fhir+json", good, ingest.ErrOverloaded, 429, 0, 0, []string{"Retry-After: 1", `"code":"throttled"`}},
		{"overloaded bundle quarantines nothing", "/fhir", "application/fhir+json", string(bundleOf("batch", []byte(good), []byte(badAuditEvent))), ingest.ErrOverloaded, 429, 0, 0, nil},
		{"sink failed", "/fhir/AuditEvent", "application/fhir+json", good, io.ErrShortWrite, 503, 0, 0, []string{`"code":"transient"`}},
		{"wrong content type", "/fhir/AuditEvent", "text/plain", good, nil, 415, 0, 0, []string{"application/fhir+json"}},
		{"ndjson to a bundle route", "/fhir", "application/x-ndjson", good, nil, 415, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink, q := &fakeSink{err: tt.sinkErr}, &fakeQuarantine{}
			h := newFHIRHandler(sink, q, bearer{token: []byte(testToken)}, nil)
			w := httptest.NewRecorder()
			fhirMux(h).ServeHTTP(w, fhirRequest(tt.route, tt.ctype, tt.body, testToken))
			var answer strings.Builder
			w.Result().Header.Write(&answer)
			answer.WriteString(w.Body.String())
			if w.Code != tt.status || sink.evs != tt.stored || len(q.reasons) != tt.quar {
				t.Errorf("status %d, stored %d, quarantined %d; want %d, %d, %d\n%s", w.Code, sink.evs, len(q.reasons), tt.status, tt.stored, tt.quar, answer.String())
			}
			for _, s := range tt.want {
				if !strings.Contains(answer.String(), s) {
					t.Errorf("answer lacks %q:\n%s", s, answer.String())
				}
			}
			if ct := w.Header().Get("Content-Type"); ct != fhirContentType {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestFHIRNeedsTheToken(t *testing.T) {
	sink := &fakeSink{}
	h := newFHIRHandler(sink, &fakeQuarantine{}, bearer{token: []byte(testToken)}, nil)
	w := httptest.NewRecorder()
	fhirMux(h).ServeHTTP(w, fhirRequest("/fhir/AuditEvent", "application/fhir+json", badAuditEvent, "wrong"))
	if w.Code != http.StatusUnauthorized || sink.evs != 0 || !strings.Contains(w.Body.String(), `"code":"login"`) {
		t.Errorf("status %d: %s", w.Code, w.Body)
	}
}

func fhirMux(h *fhirHandler) *http.ServeMux {
	mux := http.NewServeMux()
	h.register(mux)
	return mux
}

func fhirRequest(route, ctype, body, token string) *http.Request {
	r := httptest.NewRequest("POST", route, strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// FuzzFHIRBody posts random bodies as a Bundle and as NDJSON: the handler
// never panics, and every entry it answers for is either stored or
// quarantined.
func FuzzFHIRBody(f *testing.F) {
	f.Add([]byte(badAuditEvent))
	f.Add(bundleOf("batch", []byte(badAuditEvent), []byte(`{"resourceType":"AuditEvent"}`), []byte(`7`)))
	f.Add([]byte(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":null},{}]}`))
	f.Add([]byte("{\"resourceType\":\"AuditEvent\",\"agent\":[{\"who\":{\"identifier\":{\"value\":\"x\"}}}]}\n\xff\n{}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range []struct{ route, ctype string }{{"/fhir", "application/fhir+json"}, {"/fhir/AuditEvent", "application/fhir+ndjson"}, {"/fhir/AuditEvent", "application/fhir+json"}} {
			sink, q := &fakeSink{}, &fakeQuarantine{}
			h := newFHIRHandler(sink, q, httpin.AuthorizerFunc(func(*http.Request) error { return nil }), nil)
			w := httptest.NewRecorder()
			fhirMux(h).ServeHTTP(w, fhirRequest(c.route, c.ctype, string(body), ""))
			var got bundleReply
			switch w.Code {
			case http.StatusOK:
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
					t.Fatalf("%s: answer is not JSON: %v", c.route, err)
				}
				if len(got.Entry) != sink.evs+len(q.reasons) {
					t.Fatalf("%s: %d entries answered, %d stored, %d quarantined", c.route, len(got.Entry), sink.evs, len(q.reasons))
				}
			case http.StatusCreated:
				if sink.evs != 1 || len(q.reasons) != 0 {
					t.Fatalf("201 with %d stored", sink.evs)
				}
			case http.StatusBadRequest:
				if sink.evs != 0 || len(q.reasons) != 1 {
					t.Fatalf("400 with %d stored, %d quarantined", sink.evs, len(q.reasons))
				}
			default:
				t.Fatalf("%s: status %d: %s", c.route, w.Code, w.Body)
			}
		}
	})
}
