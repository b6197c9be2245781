// Package sigma parses, validates and compiles Sigma 2.1 rules: detection
// rules, filters and correlation rules.
package sigma

import (
	"strconv"

	"github.com/vigilhealth/vigil/internal/event"
)

// matcher is the compiled form of a condition.
type matcher interface{ match(ev *event.Event) bool }

// Match reports whether ev satisfies the rule's detection (and none of the
// filters that apply to it). The caller checks the log source.
func (r *Rule) Match(ev *event.Event) bool { return r.match != nil && r.match.match(ev) }

// Required returns literals of which at least one occurs (lower-cased) in
// every event the rule matches; nil means no such set is known and the rule
// must be evaluated on every event of its log source.
func (r *Rule) Required() []Literal { return r.required }

// Load reads the rule files and folders (recursively, *.yml and *.yaml) at
// paths. One bad rule never stops the others: it is recorded in Refused.
func Load(paths []string, opts Options) *Set {
	panic("not implemented")
}

// Parse reads the rule documents in data, which came from path.
func Parse(path string, data []byte, opts Options) *Set {
	panic("not implemented")
}

func itoa(i int) string { return strconv.Itoa(i) }
