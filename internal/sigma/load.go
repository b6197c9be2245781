package sigma

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Load reads the rule files and folders (recursively, *.yml and *.yaml) at
// paths. One bad rule never stops the others: it is recorded in Refused.
// Filters and correlation references are resolved across everything loaded
// together. Files are parsed in parallel; the result is in file order.
func Load(paths []string, opts Options) *Set {
	l := newLoader(opts)
	var jobs []fileJob
	for _, p := range paths {
		jobs = append(jobs, listFiles(p)...)
	}
	results := make([]*fileResult, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = jobs[i].run(l.c)
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, r := range results {
		l.merge(r)
	}
	return l.finish()
}

// Parse reads the rule documents in data, which came from path.
func Parse(path string, data []byte, opts Options) *Set {
	l := newLoader(opts)
	l.merge(parseFile(path, data, l.c))
	return l.finish()
}

// loader collects documents from files, then links them.
type loader struct {
	set *Set
	c   *compiler
}

func newLoader(opts Options) *loader {
	return &loader{set: &Set{}, c: &compiler{opts: opts}}
}

func (l *loader) refuse(r Refusal) { l.set.Refused = append(l.set.Refused, r) }

// fileResult is what one file held.
type fileResult struct {
	docs    int
	rules   []*Rule
	corrs   []*Correlation
	filters []*Filter
	refused []Refusal
}

// merge adds one file's documents to the set.
func (l *loader) merge(r *fileResult) {
	s := l.set
	s.Documents += r.docs
	s.Rules = append(s.Rules, r.rules...)
	s.Correlations = append(s.Correlations, r.corrs...)
	s.Filters = append(s.Filters, r.filters...)
	s.Refused = append(s.Refused, r.refused...)
}

// fileJob is a file to read, or a problem found while listing files.
type fileJob struct {
	path string
	err  error
}

func (j fileJob) run(c *compiler) *fileResult {
	if j.err != nil {
		return &fileResult{refused: []Refusal{{Path: j.path, Err: j.err}}}
	}
	data, err := os.ReadFile(j.path)
	if err != nil {
		return &fileResult{refused: []Refusal{{Path: j.path, Err: fmt.Errorf("read rule file: %w", err)}}}
	}
	return parseFile(j.path, data, c)
}

// listFiles lists a file, or every rule file under a folder in lexical
// order. Hidden folders (.git) are skipped.
func listFiles(root string) []fileJob {
	info, err := os.Stat(root)
	if err != nil {
		return []fileJob{{path: root, err: fmt.Errorf("read rules: %w", err)}}
	}
	if !info.IsDir() {
		return []fileJob{{path: root}}
	}
	var jobs []fileJob
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			jobs = append(jobs, fileJob{path: p, err: fmt.Errorf("read rules: %w", err)})
			return nil
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if isRuleFile(d.Name()) && d.Type().IsRegular() {
			jobs = append(jobs, fileJob{path: p})
		}
		return nil
	})
	if err != nil {
		jobs = append(jobs, fileJob{path: root, err: fmt.Errorf("read rules: %w", err)})
	}
	return jobs
}

func isRuleFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yml" || ext == ".yaml"
}

// parseFile parses every document of one file.
func parseFile(path string, data []byte, c *compiler) *fileResult {
	r := &fileResult{}
	for _, ch := range splitDocuments(data) {
		docs, refused := decodeChunk(path, ch)
		r.docs += len(docs) + len(refused)
		r.refused = append(r.refused, refused...)
		for _, d := range docs {
			if err := r.addDocument(d, c); err != nil {
				r.refused = append(r.refused, refusal(path, d.line, err))
			}
		}
	}
	return r
}

// documentKinds are the sections that make a document a detection rule, a
// correlation rule or a filter.
var documentKinds = []string{"detection", "correlation", "filter"}

func (r *fileResult) addDocument(d document, c *compiler) error {
	if d.root.Kind != yaml.MappingNode {
		return errorf(d.line, "", "a Sigma document must be a mapping, found %s", kindName(d.root))
	}
	ps, err := pairs(d.root, "")
	if err != nil {
		return err
	}
	f := newFields(ps)
	var kinds []string
	for _, k := range documentKinds {
		if f.has(k) {
			kinds = append(kinds, k)
		}
	}
	switch {
	case len(kinds) > 1:
		return errorf(d.line, "", "document has both %s and %s sections; it must be one detection rule, correlation rule or filter", kinds[0], kinds[1])
	case len(kinds) == 0 && f.has("action"):
		return errorf(d.line, "action", "rule collections (action: global, reset, repeat) are Sigma 1 syntax, removed in Sigma 2; write each rule as a full document")
	case len(kinds) == 0:
		return errorf(d.line, "", "not a Sigma rule: no detection, correlation or filter section")
	}
	switch kinds[0] {
	case "detection":
		rule, err := parseRule(d, f, c)
		if err != nil {
			return err
		}
		r.rules = append(r.rules, rule)
	case "correlation":
		corr, err := parseCorrelation(d, f)
		if err != nil {
			return err
		}
		r.corrs = append(r.corrs, corr)
	default:
		flt, err := parseFilter(d, f, c)
		if err != nil {
			return err
		}
		r.filters = append(r.filters, flt)
	}
	return nil
}

// finish links what was loaded: it refuses duplicate ids and names, folds
// filters into their rules, computes the prefilter literals and resolves
// correlation references.
func (l *loader) finish() *Set {
	s := l.set
	s.Rules = l.indexRules(s.Rules)
	s.Filters = l.applyFilters(s.Filters)
	for _, r := range s.Rules {
		if r.match != nil {
			r.required = r.match.literals()
		}
	}
	s.Correlations = l.resolveCorrelations(s.Correlations)
	return s
}

// idKey and nameKey key the reference indexes: ids are compared without
// regard to case (UUIDs are written both ways), names exactly.
func idKey(id string) string  { return "id:" + strings.ToLower(id) }
func nameKey(n string) string { return "name:" + n }

// indexRules registers rule ids and names, refusing a rule whose id or name
// an earlier document already uses.
func (l *loader) indexRules(rules []*Rule) []*Rule {
	l.set.rulesByRef = map[string]*Rule{}
	kept := rules[:0]
	for _, r := range rules {
		if err := l.claim(&r.Meta, "rule"); err != nil {
			l.refuse(Refusal{Path: r.Path, Line: r.Line, Err: err})
			continue
		}
		if r.ID != "" {
			l.set.rulesByRef[idKey(r.ID)] = r
		}
		if r.Name != "" {
			l.set.rulesByRef[nameKey(r.Name)] = r
		}
		kept = append(kept, r)
	}
	return kept
}

// claim checks that m's id and name are not taken by a loaded rule or
// correlation.
func (l *loader) claim(m *Meta, kind string) error {
	for _, k := range []struct{ key, what, val string }{{idKey(m.ID), "id", m.ID}, {nameKey(m.Name), "name", m.Name}} {
		if k.val == "" {
			continue
		}
		var other *Meta
		if r := l.set.rulesByRef[k.key]; r != nil {
			other = &r.Meta
		} else if c := l.set.corrsByRef[k.key]; c != nil {
			other = &c.Meta
		}
		if other != nil {
			return errorf(m.Line, k.what, "%s %s %q is already used by %s:%d", kind, k.what, k.val, other.Path, other.Line)
		}
	}
	return nil
}

// lookupRule finds a rule by id or name.
func (s *Set) lookupRule(ref string) *Rule {
	if r := s.rulesByRef[nameKey(ref)]; r != nil {
		return r
	}
	return s.rulesByRef[idKey(ref)]
}

// applyFilters folds each filter's condition into the rules it names (by id
// or name) whose log source it covers: such a rule then matches only events
// that also satisfy the filter's condition, as pySigma and the filters
// specification apply them ("condition and filter-condition"). A filter
// that applies to no loaded rule is refused, so that a mistyped reference
// is seen rather than silently ignored.
func (l *loader) applyFilters(filters []*Filter) []*Filter {
	kept := filters[:0]
	for _, f := range filters {
		var missing, mismatched []string
		for _, ref := range f.Rules {
			r := l.set.lookupRule(ref)
			switch {
			case r == nil:
				missing = append(missing, ref)
			case !f.appliesTo(r):
				mismatched = append(mismatched, ref)
			case !containsRule(f.Applied, r):
				f.Applied = append(f.Applied, r)
				r.match = newAnd(r.match, f.match)
			}
		}
		if len(f.Applied) == 0 {
			msg := "applies to no loaded rule"
			if len(missing) > 0 {
				msg += fmt.Sprintf("; not found: %s", strings.Join(missing, ", "))
			}
			if len(mismatched) > 0 {
				msg += fmt.Sprintf("; log source differs from the filter's: %s", strings.Join(mismatched, ", "))
			}
			l.refuse(Refusal{Path: f.Path, Line: f.Line, Err: errorf(f.Line, "filter.rules", "%s", msg)})
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

func containsRule(rs []*Rule, r *Rule) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
