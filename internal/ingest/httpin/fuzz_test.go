package httpin

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzEventsBody posts random bodies: the handler never panics, answers
// 200, and accounts for every non-blank line as accepted or refused.
func FuzzEventsBody(f *testing.F) {
	f.Add([]byte(`{"EventID": 4624, "Computer": "pc"}` + "\n"))
	f.Add([]byte("{\"a\": [1, {\"b\": null}]}\n\nnot json\r\n{\"logsource\": {\"product\": \"x\"}}"))
	f.Add([]byte(`{"Event": {"System": {"EventID": 1}, "EventData": {"Data": [{"#attributes": {"Name": "X"}, "#text": "y"}]}}}`))
	f.Add([]byte("\xff\x00{\"\\ud800\": \"\\u0000\"}\n  \t\n]"))
	f.Fuzz(func(t *testing.T, body []byte) {
		sink, q := &recordSink{}, &recordQuarantine{}
		h := NewEventsHandler(sink, q, allow, Options{MaxLine: 4096})
		w := post(h, body)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		a := decodeAnswer(t, w)
		nonBlank := 0
		for l := range strings.SplitSeq(string(body), "\n") {
			if strings.Trim(l, " \t\r") != "" {
				nonBlank++
			}
		}
		if a.Accepted+a.RefusedCount != nonBlank {
			t.Fatalf("accepted %d + refused %d != %d non-blank lines", a.Accepted, a.RefusedCount, nonBlank)
		}
		if len(sink.events) != a.Accepted || len(q.snapshot()) != a.RefusedCount {
			t.Fatalf("stored %d, quarantined %d; answer %+v", len(sink.events), len(q.snapshot()), a)
		}
	})
}
