package sigma

import (
	"errors"
	"strings"
	"testing"
)

// withDetection wraps a detection section (indented four spaces) in a
// minimal valid rule; its first line is line 5 of the document.
func withDetection(det string) string {
	return "title: T\nlogsource:\n    product: windows\ndetection:\n" + det
}

// TestRefusals checks that invalid documents are refused with a message
// that says what is wrong and where, on the line of the offending node.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string // substring of the refusal
		line int
	}{
		{"unknown modifier", withDetection("    selection:\n        CommandLine|contians: x\n    condition: selection\n"),
			`detection.selection: unknown modifier "contians" in "CommandLine|contians" (did you mean "contains"?)`, 6},
		{"all on a single value", withDetection("    selection:\n        CommandLine|contains|all: x\n    condition: selection\n"),
			`the all modifier needs a list of two or more values in "CommandLine|contains|all"`, 6},
		{"all on a list of one", withDetection("    selection:\n        CommandLine|contains|all:\n            - x\n    condition: selection\n"),
			`the all modifier needs a list of two or more values`, 6},
		{"exists needs a boolean", withDetection("    selection:\n        Image|exists: 'yes'\n    condition: selection\n"),
			`exists needs true or false, found a string`, 6},
		{"numeric modifier on text", withDetection("    selection:\n        Size|gt: big\n    condition: selection\n"),
			`gt needs a number, found "big" in "Size|gt"`, 6},
		{"time part on text", withDetection("    selection:\n        Stamp|hour: noon\n    condition: selection\n"),
			`hour needs a number`, 6},
		{"undefined identifier", withDetection("    selection:\n        Image: x\n    condition: selecton\n"),
			`detection.condition: unknown search identifier "selecton" at offset 0 (did you mean "selection"?)`, 7},
		{"bad regex", withDetection("    selection:\n        Image|re: '(?=x)'\n    condition: selection\n"),
			`invalid regular expression "(?=x)"`, 6},
		{"bad cidr", withDetection("    selection:\n        Ip|cidr: 10.0.0.0/33\n    condition: selection\n"),
			`invalid CIDR network "10.0.0.0/33"`, 6},
		{"cidr with contains", withDetection("    selection:\n        Ip|cidr|contains: 10.0.0.0/8\n    condition: selection\n"),
			`cidr cannot be combined with "contains"`, 6},
		{"sub-modifier without re", withDetection("    selection:\n        Image|i: x\n    condition: selection\n"),
			`modifier "i" is a sub-modifier of re and must follow it`, 6},
		{"null in a list", withDetection("    selection:\n        Image:\n            - ''\n            - null\n    condition: selection\n"),
			`null cannot be part of a list of values`, 8},
		{"null with a modifier", withDetection("    selection:\n        Image|contains: null\n    condition: selection\n"),
			`null cannot be used with modifiers`, 6},
		{"wildcard before base64", withDetection("    selection:\n        Image|contains|base64: x\n    condition: selection\n"),
			`base64 cannot encode wildcards`, 6},
		{"placeholder not defined", withDetection("    selection:\n        User|expand: '%Admins%'\n    condition: selection\n"),
			`placeholder %Admins% is not defined`, 6},
		{"value is a mapping", withDetection("    selection:\n        Image:\n            a: b\n    condition: selection\n"),
			`the value of "Image" must be a value or a list of values, found a mapping`, 7},
		{"empty search identifier", withDetection("    selection: []\n    condition: selection\n"),
			`detection.selection: search identifier is an empty list`, 5},
		{"duplicate key", withDetection("    selection:\n        Image: x\n        Image: y\n    condition: selection\n"),
			`detection.selection.Image: duplicate key (first on line 6)`, 7},
		{"neq on a keyword", withDetection("    selection:\n        '|neq': x\n    condition: selection\n"),
			`neq needs a field name`, 6},
		{"exists with neq", withDetection("    selection:\n        Image|exists|neq: true\n    condition: selection\n"),
			`exists cannot be combined with other modifiers`, 6},
		{"fieldref on a number", withDetection("    selection:\n        Image|fieldref: 5\n    condition: selection\n"),
			`fieldref needs a field name, found a number`, 6},
		{"aggregation", withDetection("    selection:\n        Image: x\n    condition: selection | count() by Computer > 5\n"),
			`aggregation "| count() by Computer > 5" at offset 10 is the deprecated Sigma 1 syntax; write a correlation rule instead`, 7},
		{"timeframe", withDetection("    selection:\n        Image: x\n    timeframe: 5m\n    condition: selection\n"),
			`detection.timeframe: timeframe belongs to the deprecated Sigma 1 aggregations`, 7},
		{"condition missing", withDetection("    selection:\n        Image: x\n"),
			`detection.condition: is missing`, 4},
		{"condition ends early", withDetection("    selection:\n        Image: x\n    condition: selection and\n"),
			`condition ends early at offset 13`, 7},
		{"unbalanced parenthesis", withDetection("    selection:\n        Image: x\n    condition: (selection\n"),
			`missing ')' for the '(' at offset 0`, 7},
		{"juxtaposed identifiers", withDetection("    a:\n        Image: x\n    b:\n        Image: y\n    condition: a b\n"),
			`unexpected "b" at offset 2 (expected and, or, or the end)`, 9},
		{"two of", withDetection("    sel_a:\n        Image: x\n    condition: 2 of sel_*\n"),
			`only '1 of' and 'all of' are defined`, 7},
		{"bare wildcard", withDetection("    sel_a:\n        Image: x\n    condition: sel_*\n"),
			`wildcard "sel_*" at offset 0 needs '1 of' or 'all of' before it`, 7},
		{"pattern matches nothing", withDetection("    sel_a:\n        Image: x\n    condition: 1 of filter_*\n"),
			`"filter_*" at offset 0 matches no search identifier`, 7},
		{"them without identifiers", withDetection("    _a:\n        Image: x\n    condition: 1 of them\n"),
			`"them" at offset 0 matches no search identifier`, 7},
		{"missing title", "logsource:\n    product: windows\ndetection:\n    a:\n        Image: x\n    condition: a\n",
			`title: is missing`, 1},
		{"missing logsource", "title: T\ndetection:\n    a:\n        Image: x\n    condition: a\n",
			`logsource: is missing`, 1},
		{"bad status", "title: T\nstatus: beta\nlogsource: {product: x}\ndetection:\n    a:\n        Image: x\n    condition: a\n",
			`status: "beta" is not one of stable, test, experimental, deprecated, unsupported`, 2},
		{"bad level", "title: T\nlevel: severe\nlogsource: {product: x}\ndetection:\n    a:\n        Image: x\n    condition: a\n",
			`level: "severe" is not one of informational, low, medium, high, critical`, 2},
		{"bad date", "title: T\ndate: 2024/01/02\nlogsource: {product: x}\ndetection:\n    a:\n        Image: x\n    condition: a\n",
			`date: "2024/01/02" is not a date written YYYY-MM-DD`, 2},
		{"bad tag", "title: T\ntags:\n    - Attack.T1059\nlogsource: {product: x}\ndetection:\n    a:\n        Image: x\n    condition: a\n",
			`tag "Attack.T1059" is not namespace.name`, 3},
		{"bad related type", "title: T\nrelated:\n    - id: x\n      type: cousin\nlogsource: {product: x}\ndetection:\n    a:\n        Image: x\n    condition: a\n",
			`related.type: "cousin" is not one of derived`, 4},
		{"not a mapping", "- a\n- b\n", `a Sigma document must be a mapping, found a list`, 1},
		{"no section", "title: T\nlogsource: {product: x}\n", `not a Sigma rule: no detection, correlation or filter section`, 1},
		{"two sections", "title: T\nlogsource: {product: x}\ndetection:\n    a:\n        Image: x\n    condition: a\ncorrelation:\n    type: temporal\n",
			`document has both detection and correlation sections`, 1},
		{"sigma 1 collection", "action: global\ntitle: T\n", `rule collections (action: global, reset, repeat) are Sigma 1 syntax`, 1},
		{"yaml syntax", "title: T\nlogsource: {product: x\ndetection: x\n", `invalid YAML: did not find expected ',' or '}'`, 2},
		{"correlation without group-by", "title: C\ncorrelation:\n    type: event_count\n    rules: [r1]\n    timespan: 1h\n    condition:\n        gt: 5\n",
			`correlation.group-by: is missing`, 2},
		{"correlation field on event_count", "title: C\ncorrelation:\n    type: event_count\n    rules: [r1]\n    group-by: [x]\n    timespan: 1h\n    condition:\n        field: User\n        gt: 5\n",
			`correlation.condition.field: is only used by the value_count`, 8},
		{"correlation bad operator", "title: C\ncorrelation:\n    type: event_count\n    rules: [r1]\n    group-by: [x]\n    timespan: 1h\n    condition:\n        more: 5\n",
			`correlation.condition.more: unknown operator`, 8},
		{"correlation unknown key", "title: C\ncorrelation:\n    type: event_count\n    groupby: [x]\n",
			`correlation.groupby: unknown key`, 4},
		{"correlation rule reference too short", "title: C\ncorrelation:\n    type: temporal\n    rules: [a, b]\n    group-by: [x]\n    timespan: 1h\n",
			`correlation.rules: item "a" is shorter than 2 characters`, 4},
		{"base64offset of one byte", withDetection("    selection:\n        Image|base64offset|contains: x\n    condition: selection\n"),
			`"x" is too short for base64offset`, 6},
		{"filter without rules", "title: F\nlogsource: {product: x}\nfilter:\n    selection:\n        User: x\n    condition: not selection\n",
			`filter.rules: is missing`, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse("r.yml", []byte(tc.doc), Options{})
			if len(s.Refused) != 1 {
				t.Fatalf("refused %d documents, want 1: %v (rules %d)", len(s.Refused), s.Refused, len(s.Rules))
			}
			r := s.Refused[0]
			if !strings.Contains(r.Error(), tc.want) {
				t.Errorf("refusal\n  %s\nwant it to contain\n  %s", r.Error(), tc.want)
			}
			if r.Line != tc.line || r.Path != "r.yml" {
				t.Errorf("refusal at %s:%d, want r.yml:%d", r.Path, r.Line, tc.line)
			}
			var re *RuleError
			if !errors.As(r.Err, &re) {
				t.Errorf("Err is %T, want *RuleError", r.Err)
			}
			if s.Documents != 1 {
				t.Errorf("Documents = %d, want 1", s.Documents)
			}
		})
	}
}
