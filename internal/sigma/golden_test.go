package sigma

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// goldenPlaceholders are the expand placeholders every golden case sees.
var goldenPlaceholders = map[string][]string{
	"Administrators":    {"adm_*", "root"},
	"DomainControllers": {"dc01", "dc02"},
	"Empty":             {},
}

// TestGolden runs each case folder of testdata/golden: rule.yml (one or
// more documents) over events.jsonl (one flat JSON object per line; a list
// is a repeated field, null an absent one). Each event's "_expect" lists
// the titles of the rules that must match it, written from the
// specification; the full outcome (rules, literals, refusals, matches) is
// compared with the golden file, which -update rewrites.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { runGolden(t, dir) })
	}
}

func runGolden(t *testing.T, dir string) {
	data, err := os.ReadFile(filepath.Join(dir, "rule.yml"))
	if err != nil {
		t.Fatal(err)
	}
	s := Parse("rule.yml", data, Options{Placeholders: goldenPlaceholders})
	var out bytes.Buffer
	renderSet(&out, s)
	lines, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for n, raw := range bytes.Split(bytes.TrimSpace(lines), []byte("\n")) {
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		ev, expect := goldenEvent(t, raw)
		got := matchingTitles(s, ev)
		if !slices.Equal(got, expect) {
			t.Errorf("event %d %s: matched %q, the specification says %q", n+1, raw, got, expect)
		}
		fmt.Fprintf(&out, "event %d %s\n  matches: %s\n", n+1, raw, orNone(got))
	}
	sharedtest.Golden(t, filepath.Join(dir, "expected.golden"), out.Bytes(), *update)
}

// goldenEvent builds an event from a flat JSON object and returns the
// titles it expects to match, sorted.
func goldenEvent(t *testing.T, raw []byte) (*event.Event, []string) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("bad event %s: %v", raw, err)
	}
	var expect []string
	if e, ok := m["_expect"].([]any); ok {
		for _, x := range e {
			expect = append(expect, fmt.Sprint(x))
		}
	}
	delete(m, "_expect")
	// Values are strings, json.Numbers (kept as written) or booleans, which
	// fmt.Sprint renders as their JSON text.
	ev := &event.Event{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch v := m[k].(type) {
		case []any:
			for _, x := range v {
				ev.Set(k, fmt.Sprint(x))
			}
		case nil:
		default:
			ev.Set(k, fmt.Sprint(v))
		}
	}
	sort.Strings(expect)
	return ev, expect
}

func matchingTitles(s *Set, ev *event.Event) []string {
	var out []string
	for _, r := range s.Rules {
		if r.Match(ev) {
			out = append(out, r.Title)
		}
	}
	sort.Strings(out)
	return out
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, "; ")
}

// renderSet writes what loaded and what was refused.
func renderSet(w *bytes.Buffer, s *Set) {
	fmt.Fprintf(w, "documents: %d\n", s.Documents)
	for _, r := range s.Rules {
		fmt.Fprintf(w, "rule %q", r.Title)
		if r.CorrelationOnly {
			fmt.Fprint(w, " (correlation only)")
		}
		fmt.Fprintf(w, "\n  required: %s\n", renderLiterals(r.Required()))
	}
	for _, f := range s.Filters {
		var applied []string
		for _, r := range f.Applied {
			applied = append(applied, r.Title)
		}
		fmt.Fprintf(w, "filter %q applied to: %s\n", f.Title, strings.Join(applied, "; "))
	}
	for _, c := range s.Correlations {
		fmt.Fprintf(w, "correlation %q type=%s rules=%q group-by=%q timespan=%s condition=%q",
			c.Title, c.Type, c.Rules, c.GroupBy, c.Timespan, c.Condition.String())
		if len(c.Fields) > 0 {
			fmt.Fprintf(w, " fields=%q", c.Fields)
		}
		for _, a := range sortedKeys(c.Aliases) {
			fmt.Fprintf(w, " alias %s=%v", a, c.Aliases[a])
		}
		fmt.Fprintf(w, " generate=%v\n", c.Generate)
	}
	for _, r := range s.Refused {
		fmt.Fprintf(w, "refused %s\n", r.Error())
	}
}

func renderLiterals(ls []Literal) string {
	if ls == nil {
		return "none (evaluate on every event)"
	}
	if len(ls) == 0 {
		return "empty (the rule can never match)"
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		field := "*"
		if l.Field != 0 {
			field = l.Field.String()
		}
		parts[i] = fmt.Sprintf("%s:%q", field, l.Text)
	}
	return strings.Join(parts, " ")
}
