package sigma

import (
	"strings"
	"testing"
)

func TestParseConditionPrecedence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a", "a"},
		{"a and b or c", "(or (and a b) c)"},
		{"a or b and c", "(or a (and b c))"},
		{"not a and b", "(and (not a) b)"},
		{"not (a and b)", "(not (and a b))"},
		{"a and not b or not c and d", "(or (and a (not b)) (and (not c) d))"},
		{"not 1 of filter_*", "(not (1 of filter_*))"},
		{"all of them", "(all of them)"},
		{"1 of selection* and not 1 of filter*", "(and (1 of selection*) (not (1 of filter*)))"},
		{"a AND NOT b Or c", "(or (and a (not b)) c)"},
		{"((a))", "a"},
		{"a and b and c", "(and a b c)"},
		{"not not a", "(not (not a))"},
		{"\n  selection_parent and\n  (\n    1 of selection_generic_*\n  )\n", "(and selection_parent (1 of selection_generic_*))"},
		{"x and(y or z)", "(and x (or y z))"},
	}
	for _, tc := range tests {
		c, err := parseCondition(tc.in)
		if err != nil {
			t.Errorf("parseCondition(%q): %v", tc.in, err)
			continue
		}
		if got := c.String(); got != tc.want {
			t.Errorf("parseCondition(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseConditionErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "condition is empty"},
		{"a and", "ends early at offset 5"},
		{"a or or b", `unexpected "or" at offset 5`},
		{"(a", "missing ')'"},
		{"a)", `unexpected ")" at offset 1`},
		{"()", `unexpected ')' at offset 1`},
		{"a b", `unexpected "b" at offset 2`},
		{"1 of", "needs a search identifier pattern or 'them'"},
		{"3 of x*", "only '1 of' and 'all of' are defined"},
		{"any of x*", "Sigma writes '1 of'"},
		{"sel*", "needs '1 of' or 'all of'"},
		{"a | near b", "deprecated Sigma 1 syntax"},
		{"not", "ends early"},
		{strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), "nests deeper than 100"},
		{strings.Repeat("not ", 200) + "a", "nests deeper than 100"},
	}
	for _, tc := range tests {
		_, err := parseCondition(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseCondition(%q) error = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func TestGlobName(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"selection_*", "selection_img", true},
		{"selection_*", "selection_", true},
		{"selection_*", "selection", false},
		{"*_cli", "selection_cli", true},
		{"sel*img*", "sel_x_img_y", true},
		{"filter?", "filter?", true},
		{"filter?", "filterX", false},
		{"a/*", "a/b", true},
	}
	for _, tc := range tests {
		if got := globName(tc.pat, tc.name); got != tc.want {
			t.Errorf("globName(%q, %q) = %v, want %v", tc.pat, tc.name, got, tc.want)
		}
	}
}
