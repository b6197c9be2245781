package sharedtest

import (
	"encoding/json"
	"testing"
)

// SuiteCase is one named test of a store suite (the suites that every
// implementation of a store interface passes), given the suite's opener.
type SuiteCase[O any] struct {
	Name string
	Fn   func(t *testing.T, open O)
}

// RunSuite runs each case as a subtest of t with open.
func RunSuite[O any](t *testing.T, open O, cases []SuiteCase[O]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { c.Fn(t, open) })
	}
}

// SameJSON fails the test, naming what is compared, when got and want
// differ as JSON: the form in which stores keep records, every exported
// field included and times with their zone.
func SameJSON(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, gerr := json.Marshal(got)
	w, werr := json.Marshal(want)
	if gerr != nil || werr != nil {
		tb.Fatalf("%s: cannot compare as JSON: %v, %v", what, gerr, werr)
	}
	if string(g) != string(w) {
		tb.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}
