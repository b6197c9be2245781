package sigma

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// seedRules adds a sample of real SigmaHQ rules and the golden cases to a
// fuzz corpus.
func seedRules(f *testing.F, add func(data []byte)) {
	for _, c := range []string{
		"rules/windows/process_creation/proc_creation_win_renamed_whoami.yml",
		"rules/windows/process_creation/proc_creation_win_powershell_base64_iex.yml",
		"rules/windows/builtin/security/win_security_susp_failed_logon_reasons.yml",
	} {
		if data, err := os.ReadFile(filepath.Join(sharedtest.Dir(f), "sigma", c)); err == nil {
			add(data)
		}
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "rule.yml"))
	for _, g := range golden {
		data, err := os.ReadFile(g)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
	add([]byte(typicalRule))
}

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, every
// refusal must name the file and carry a line, and every loaded rule must
// be safe to match.
func FuzzParse(f *testing.F) {
	seedRules(f, func(data []byte) { f.Add(data) })
	f.Add([]byte("title: x\nlogsource: {}\ndetection:\n  a: &x [*x]\n  condition: a\n"))
	f.Add([]byte("---\n---\n%YAML 1.1\n---\n- [\n"))
	ev := processEvent("powershell -enc SQBFAFgA")
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Parse("fuzz.yml", data, Options{Placeholders: goldenPlaceholders})
		for _, r := range s.Refused {
			if r.Path != "fuzz.yml" || r.Err == nil {
				t.Fatalf("refusal without path or error: %#v", r)
			}
			var re *RuleError
			if !errors.As(r.Err, &re) {
				t.Fatalf("refusal error is %T, not *RuleError: %v", r.Err, r.Err)
			}
			if r.Line <= 0 {
				t.Fatalf("refusal without a line: %v", r)
			}
		}
		if got := len(s.Rules) + len(s.Correlations) + len(s.Filters) + len(s.Refused); got < s.Documents {
			t.Fatalf("%d documents seen but only %d accounted for", s.Documents, got)
		}
		for _, r := range s.Rules {
			m := r.Match(ev)
			if lits := r.Required(); m && lits != nil && !anyLiteralIn(ev, lits) {
				t.Fatalf("rule %q matches but none of %q occurs", r.Title, lits)
			}
		}
	})
}

// FuzzCondition feeds condition strings to the parser and the compiler:
// no panic, and a condition that parses compiles or is refused with a
// reason.
func FuzzCondition(f *testing.F) {
	for _, c := range []string{
		"selection", "selection and not filter", "1 of selection_* and not 1 of filter_*",
		"all of them", "(a or b) and not (c and d)", "not not a", "a | count() > 5",
		"selection_parent and\n(\n 1 of selection_generic_*\n)", "1 of them", "all of sel*",
		"a and (b or (c and not d))", "keywords AND NOT filter", "((((a))))",
	} {
		f.Add(c)
	}
	ids := &idents{m: map[string]matcher{}}
	for _, n := range []string{"a", "b", "c", "d", "selection", "filter", "selection_img", "filter_main", "_hidden", "keywords"} {
		ids.names = append(ids.names, n)
		ids.m[n] = &item{field: event.Intern(n), t: &strTest{group: [][]strPred{{{kind: pEq, s: "x"}}}, flat: []strPred{{kind: pEq, s: "x"}}}}
	}
	var ev event.Event
	ev.Set("a", "x")
	ev.Set("selection", "x")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCondition(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if c.String() == "" {
			t.Fatal("parsed to nothing")
		}
		m, err := compileCond(c, ids)
		if err != nil {
			if !strings.Contains(err.Error(), "offset") {
				t.Fatalf("compile error without an offset: %v", err)
			}
			return
		}
		m.match(&ev)
		// written back in Sigma syntax, it must parse to the same tree
		again, err := parseCondition(infix(c))
		if err != nil && strings.Contains(err.Error(), "nests deeper") {
			return // the parentheses added may pass the nesting limit
		}
		if err != nil || again.String() != c.String() {
			t.Fatalf("%q is %s, written %q, which parses as %v (%v)", s, c, infix(c), again, err)
		}
	})
}

// infix writes c back in condition syntax, fully parenthesised.
func infix(c *cond) string {
	switch c.op {
	case opIdent:
		return c.name
	case opOf:
		q, target := "1", c.name
		if c.all {
			q = "all"
		}
		if target == "" {
			target = "them"
		}
		return "(" + q + " of " + target + ")"
	case opNot:
		return "(not " + infix(c.kids[0]) + ")"
	}
	op := " and "
	if c.op == opOr {
		op = " or "
	}
	parts := make([]string, len(c.kids))
	for i, k := range c.kids {
		parts[i] = infix(k)
	}
	return "(" + strings.Join(parts, op) + ")"
}
