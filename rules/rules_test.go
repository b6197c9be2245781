package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// packDirs are the folders of the pack, relative to this package.
var packDirs = []string{"windows", "correlation"}

var (
	packOnce sync.Once
	packSet  *sigma.Set
)

// loadPack loads the whole pack once for all tests.
func loadPack(t *testing.T) *sigma.Set {
	t.Helper()
	packOnce.Do(func() { packSet = sigma.Load(packDirs, sigma.Options{}) })
	if packSet == nil {
		t.Fatal("sigma.Load returned nil")
	}
	return packSet
}

// stem is the file name of a rule without its extension: the name of its
// testdata folder.
func stem(path string) string {
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

func TestPackLoadsWithoutRefusals(t *testing.T) {
	set := loadPack(t)
	for _, r := range set.Refused {
		t.Errorf("refused: %v", r)
	}
	n := len(set.Rules) + len(set.Correlations)
	if n < 25 || n > 30 {
		t.Errorf("pack holds %d rules and correlations, want 25 to 30", n)
	}
	files := 0
	for _, dir := range packDirs {
		files += len(ruleFiles(t, os.DirFS("."), dir))
	}
	if n != files {
		t.Errorf("loaded %d documents from %d files: every file should hold exactly one", n, files)
	}
}

var (
	uuid4     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tagSyntax = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)+$`)
	technique = regexp.MustCompile(`^attack\.t[0-9]{4}(\.[0-9]{3})?$`)
	tactics   = []string{
		"attack.initial-access", "attack.execution", "attack.persistence", "attack.privilege-escalation",
		"attack.defense-impairment", "attack.stealth", "attack.credential-access", "attack.discovery",
		"attack.lateral-movement", "attack.collection", "attack.exfiltration", "attack.command-and-control",
		"attack.impact",
	}
	levels = []string{"informational", "low", "medium", "high", "critical"}
)

// checkMeta checks what every rule and correlation of the pack must carry.
func checkMeta(t *testing.T, m sigma.Meta) {
	t.Helper()
	if !uuid4.MatchString(m.ID) {
		t.Errorf("id %q is not a lower-case UUIDv4", m.ID)
	}
	for name, v := range map[string]string{"title": m.Title, "description": m.Description} {
		if strings.TrimSpace(v) == "" {
			t.Errorf("%s is empty", name)
		}
	}
	if m.Status != "test" && m.Status != "stable" {
		t.Errorf("status %q, want test or stable", m.Status)
	}
	if m.Author != "Vigil" || m.Date != "2026-11-28" {
		t.Errorf("author %q date %q, want Vigil 2026-11-28", m.Author, m.Date)
	}
	if !slices.Contains(levels, m.Level) {
		t.Errorf("level %q is not a Sigma level", m.Level)
	}
	if len(m.References) == 0 || len(m.FalsePositives) == 0 {
		t.Errorf("%d references and %d false positives, want some of each", len(m.References), len(m.FalsePositives))
	}
	for _, ref := range m.References {
		if !strings.HasPrefix(ref, "https://") {
			t.Errorf("reference %q is not an https address", ref)
		}
	}
	checkTags(t, m.Tags)
}

func checkTags(t *testing.T, tags []string) {
	t.Helper()
	var tactic, tech bool
	for _, tag := range tags {
		if !tagSyntax.MatchString(tag) {
			t.Errorf("tag %q breaks Sigma tag syntax", tag)
		}
		tactic = tactic || slices.Contains(tactics, tag)
		tech = tech || technique.MatchString(tag)
	}
	if !tactic || !tech {
		t.Errorf("tags %v need an ATT&CK tactic and technique", tags)
	}
}

func TestRuleMetadata(t *testing.T) {
	set := loadPack(t)
	ids, names := map[string]string{}, map[string]string{}
	for _, m := range allMeta(set) {
		t.Run(stem(m.Path), func(t *testing.T) {
			checkMeta(t, m)
			if prev, dup := ids[m.ID]; dup {
				t.Errorf("id %s also used by %s", m.ID, prev)
			}
			ids[m.ID] = m.Path
			if prev, dup := names[m.Name]; dup && m.Name != "" {
				t.Errorf("name %s also used by %s", m.Name, prev)
			}
			names[m.Name] = m.Path
		})
	}
	for _, r := range set.Rules {
		if _, ok := logSources[logSourceKey(r.LogSource)]; !ok || r.LogSource.Product != "windows" {
			t.Errorf("%s: log source %+v has no entry in the test's logSources table", r.Path, r.LogSource)
		}
		if r.Name == "" {
			t.Errorf("%s: no name; correlations and docs refer to rules by name", r.Path)
		}
	}
}

func allMeta(set *sigma.Set) []sigma.Meta {
	var ms []sigma.Meta
	for _, r := range set.Rules {
		ms = append(ms, r.Meta)
	}
	for _, c := range set.Correlations {
		ms = append(ms, c.Meta)
	}
	return ms
}

func TestCorrelationsReferToPackRules(t *testing.T) {
	set := loadPack(t)
	names := map[string]bool{}
	for _, r := range set.Rules {
		names[r.Name], names[r.ID] = true, true
	}
	if len(set.Correlations) == 0 {
		t.Fatal("the pack holds no correlation rules")
	}
	for _, c := range set.Correlations {
		if c.Timespan <= 0 || len(c.GroupBy) == 0 || len(c.Rules) == 0 {
			t.Errorf("%s: timespan %v, group-by %v, rules %v: all are needed", c.Path, c.Timespan, c.GroupBy, c.Rules)
		}
		for _, ref := range c.Rules {
			if !names[ref] {
				t.Errorf("%s: refers to %q, which no rule of the pack is named", c.Path, ref)
			}
		}
	}
}

// TestTestdataCoversPack checks that every rule file has a testdata folder
// with the files its kind needs, and every folder belongs to a rule file.
func TestTestdataCoversPack(t *testing.T) {
	set := loadPack(t)
	want := map[string][]string{}
	for _, r := range set.Rules {
		want[stem(r.Path)] = []string{"match.jsonl", "nomatch.jsonl"}
	}
	for _, c := range set.Correlations {
		want[stem(c.Path)] = []string{"sequence.jsonl", "expected.json"}
	}
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, ok := want[d.Name()]; !ok {
			t.Errorf("testdata/%s belongs to no rule file", d.Name())
		}
	}
	for s, files := range want {
		for _, f := range files {
			if fi, err := os.Stat(filepath.Join("testdata", s, f)); err != nil || fi.Size() == 0 {
				t.Errorf("rule %s: testdata/%s/%s is missing or empty", s, s, f)
			}
		}
	}
}

// TestDetections runs every detection rule over its own testdata: each match
// event must come from the rule's log source and match; each nomatch event
// must come from the rule's log source and not match.
func TestDetections(t *testing.T) {
	set := loadPack(t)
	for _, r := range set.Rules {
		t.Run(stem(r.Path), func(t *testing.T) {
			dir := filepath.Join("testdata", stem(r.Path))
			for _, ev := range readEvents(t, filepath.Join(dir, "match.jsonl")) {
				if !fits(r, ev) {
					t.Errorf("%s:%d: event is not from log source %+v", ev.Source, ev.Record, r.LogSource)
				}
				if !r.Match(ev) {
					t.Errorf("%s:%d: rule %s does not match", ev.Source, ev.Record, r.Name)
					continue
				}
				checkRequired(t, r, ev)
			}
			for _, ev := range readEvents(t, filepath.Join(dir, "nomatch.jsonl")) {
				if !fits(r, ev) {
					t.Errorf("%s:%d: near miss is not from log source %+v", ev.Source, ev.Record, r.LogSource)
				}
				if r.Match(ev) {
					t.Errorf("%s:%d: rule %s matches a benign near miss", ev.Source, ev.Record, r.Name)
				}
			}
		})
	}
}

// checkRequired checks the compiler's promise that an event a rule matches
// holds at least one of the rule's required literals.
func checkRequired(t *testing.T, r *sigma.Rule, ev *event.Event) {
	t.Helper()
	lits := r.Required()
	if lits == nil {
		return
	}
	for _, l := range lits {
		for i := range ev.Len() {
			id, _ := ev.Field(i)
			if (l.Field == 0 || l.Field == id) && strings.Contains(ev.Lower(i), l.Text) {
				return
			}
		}
	}
	t.Errorf("%s:%d: matched, yet holds none of the required literals %v", ev.Source, ev.Record, lits)
}

// TestNearMissesRaiseNoAlert runs every rule of the pack over every benign
// near miss: none may raise an alert (informational building blocks may
// match, as they only feed correlations).
func TestNearMissesRaiseNoAlert(t *testing.T) {
	set := loadPack(t)
	for _, owner := range set.Rules {
		path := filepath.Join("testdata", stem(owner.Path), "nomatch.jsonl")
		for _, ev := range readEvents(t, path) {
			for _, r := range set.Rules {
				if r.Level != "informational" && fits(r, ev) && r.Match(ev) {
					t.Errorf("%s:%d: benign event raises %s", path, ev.Record, r.Name)
				}
			}
		}
	}
}
