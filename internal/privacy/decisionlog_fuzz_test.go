package privacy

import (
	"bytes"
	"testing"
)

// FuzzDecisionLog checks that replaying any file either fails naming a
// line or leaves every decided case with a known outcome, and never
// reads past the whole lines.
func FuzzDecisionLog(f *testing.F) {
	for _, s := range []string{
		"{\"op\":\"outcome\",\"case_id\":\"A\",\"outcome\":\"counselled\",\"by\":\"po\",\"at\":\"2026-05-05T09:00:00Z\"}\n",
		"{\"op\":\"breach\",\"case_id\":\"B\",\"at\":\"2026-05-05T09:00:00Z\"}\n{\"op\":\"outcome\",\"case_id\":\"B\",\"outcome\":\"reported\",\"at\":\"2026-05-06T09:00:00Z\"}\n",
		"{\"op\":\"breach\",\"case_id\":\"B\"",
		"\n\n{\"op\":\"delete\"}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds := NewDecisions()
		off, err := replayDecisions(bytes.NewReader(data), "fuzz.jsonl", ds)
		if off < 0 || off > int64(len(data)) {
			t.Fatalf("whole lines end at %d of %d bytes", off, len(data))
		}
		if err == nil && off != int64(bytes.LastIndexByte(data, '\n')+1) {
			t.Fatalf("replay stopped at %d without an error", off)
		}
		for id, d := range ds.m {
			if _, perr := ParseOutcome(string(d.Outcome)); perr != nil || id == "" {
				t.Fatalf("case %q with outcome %q", id, d.Outcome)
			}
		}
	})
}
