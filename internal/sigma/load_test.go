package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

const ruleA = `title: A
id: 11111111-1111-4111-8111-111111111111
logsource: {product: windows}
detection:
    sel:
        Image|endswith: '\a.exe'
    condition: sel
`

// TestParseIsolatesDocuments checks that a broken document costs only
// itself, and that lines count from the start of the file.
func TestParseIsolatesDocuments(t *testing.T) {
	data := "%YAML 1.2\n---\n" + ruleA +
		"---\n# a comment-only document\n" +
		"---\ntitle: broken\nlogsource: {product: x\n" +
		"---\n" + strings.Replace(ruleA, "title: A\nid: 11111111-1111-4111-8111-111111111111", "title: B", 1) +
		"...\n"
	s := Parse("multi.yml", []byte(data), Options{})
	if len(s.Rules) != 2 || s.Rules[0].Title != "A" || s.Rules[1].Title != "B" {
		t.Fatalf("rules = %v, want A and B", titles(s.Rules))
	}
	if s.Rules[0].Line != 3 || s.Rules[1].Line != 16 {
		t.Errorf("rule lines = %d, %d; want 3, 16", s.Rules[0].Line, s.Rules[1].Line)
	}
	if len(s.Refused) != 1 || s.Refused[0].Line != 14 || !strings.Contains(s.Refused[0].Error(), "multi.yml:14: invalid YAML") {
		t.Errorf("refused = %v, want one YAML error on line 14", s.Refused)
	}
	if s.Documents != 3 {
		t.Errorf("Documents = %d, want 3 (the comment-only document is empty)", s.Documents)
	}
	var ev event.Event
	ev.Set("Image", `C:\x\A.EXE`)
	if !s.Rules[0].Match(&ev) {
		t.Errorf("rule A does not match its event")
	}
}

func TestSplitDocuments(t *testing.T) {
	data := "a: 1\n--- # start\nb: 2\n----\nc: 3\n--- {d: 4}\n"
	chunks := splitDocuments([]byte(data))
	var got []string
	for _, c := range chunks {
		got = append(got, strings.TrimSpace(string(c.text))+"@"+itoa(c.line))
	}
	want := []string{"a: 1@1", "--- # start\nb: 2\n----\nc: 3@2", "--- {d: 4}@6"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chunks = %q, want %q", got, want)
	}
}

func TestLoadFoldersAndRefs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("win/a.yml", ruleA)
	write("win/b.YAML", strings.Replace(ruleA, "title: A\nid: 11111111-1111-4111-8111-111111111111", "title: B\nname: rule_b", 1))
	write("win/notes.txt", "not a rule")
	write(".git/c.yml", "not: loaded")
	write("dup/a-copy.yml", ruleA)
	write("corr/c.yml", `title: C
correlation:
    type: temporal
    rules: [11111111-1111-4111-8111-111111111111, rule_b]
    group-by: [Computer]
    timespan: 5m
`)
	write("filters/f.yml", `title: F
logsource: {product: windows}
filter:
    rules: [rule_b]
    selection:
        User: admin
    condition: not selection
`)
	s := Load([]string{dir, filepath.Join(dir, "missing")}, Options{})
	if got := titles(s.Rules); got != "A B" {
		t.Errorf("rules = %s, want A B", got)
	}
	if s.Documents != 5 {
		t.Errorf("Documents = %d, want 5", s.Documents)
	}
	var msgs []string
	for _, r := range s.Refused {
		msgs = append(msgs, r.Error())
	}
	joined := strings.Join(msgs, "\n")
	if len(s.Refused) != 2 || !strings.Contains(joined, `rule id "11111111-1111-4111-8111-111111111111" is already used by `) || !strings.Contains(joined, "missing: read rules:") {
		t.Errorf("refusals:\n%s\nwant the duplicate id and the missing path", joined)
	}
	if r := s.RuleByRef("rule_b"); r == nil || r.Title != "B" {
		t.Errorf("RuleByRef(rule_b) = %v", r)
	}
	if r := s.RuleByRef("11111111-1111-4111-8111-111111111111"); r == nil || r.Title != "A" {
		t.Errorf("RuleByRef(id) = %v", r)
	}
	if r := s.RuleByRef("11111111-1111-4111-8111-111111111111"[:8]); r != nil {
		t.Errorf("RuleByRef(prefix) = %v, want nil", r)
	}
	c := s.CorrelationByRef("C")
	if c != nil {
		t.Errorf("CorrelationByRef(title) = %v, want nil: titles are not references", c)
	}
	if len(s.Correlations) != 1 || !s.Rules[0].CorrelationOnly || !s.Rules[1].CorrelationOnly {
		t.Errorf("correlations = %d, correlation-only = %v %v", len(s.Correlations), s.Rules[0].CorrelationOnly, s.Rules[1].CorrelationOnly)
	}
	if len(s.Filters) != 1 || len(s.Filters[0].Applied) != 1 || s.Filters[0].Applied[0].Title != "B" {
		t.Errorf("filters = %+v", s.Filters)
	}
	var ev event.Event
	ev.Set("Image", `C:\a.exe`)
	ev.Set("User", "Admin")
	if s.Rules[1].Match(&ev) || !s.Rules[0].Match(&ev) {
		t.Errorf("the filter should stop B (and only B) matching the admin's event")
	}
}

func TestSetByRefWithoutIndex(t *testing.T) {
	s := &Set{Rules: []*Rule{{Meta: Meta{ID: "ABC", Name: "n"}}}, Correlations: []*Correlation{{Meta: Meta{Name: "c"}}}}
	if s.RuleByRef("abc") == nil || s.RuleByRef("n") == nil || s.RuleByRef("x") != nil || s.CorrelationByRef("c") == nil {
		t.Errorf("look-ups on a Set built by hand failed")
	}
}

func titles(rs []*Rule) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Title)
	}
	return strings.Join(out, " ")
}
