package sigma

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	datePattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$`)
	tagPattern  = regexp.MustCompile(`^[a-z0-9_-]+\.[a-z0-9._-]+$`)
)

var (
	statuses     = []string{"stable", "test", "experimental", "deprecated", "unsupported"}
	levels       = []string{"informational", "low", "medium", "high", "critical"}
	relatedTypes = []string{"derived", "obsolete", "merged", "renamed", "similar"}
)

// fields gives typed access to the top-level keys of a document.
type fields struct {
	m map[string]pair
}

func newFields(ps []pair) fields {
	m := make(map[string]pair, len(ps))
	for _, p := range ps {
		m[p.key] = p
	}
	return fields{m: m}
}

// keyLine returns the line of key, or 0 when it is absent.
func (f fields) keyLine(key string) int {
	if p, ok := f.m[key]; ok {
		return p.k.Line
	}
	return 0
}

// node returns the value of key, nil when absent or null.
func (f fields) node(key string) (*yaml.Node, string) {
	p, ok := f.m[key]
	if !ok || isNull(p.v) {
		return nil, key
	}
	return deref(p.v), p.where
}

// has reports whether key is present, even with a null value.
func (f fields) has(key string) bool {
	_, ok := f.m[key]
	return ok
}

// str reads an optional string of at most max bytes (0: no limit).
func (f fields) str(key string, max int) (string, error) {
	n, where := f.node(key)
	if n == nil {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", errorf(n.Line, where, "must be a string, found %s", kindName(n))
	}
	if max > 0 && len(n.Value) > max {
		return "", errorf(n.Line, where, "is longer than %d characters", max)
	}
	return n.Value, nil
}

// oneOf reads an optional string that must be one of allowed (any case);
// it returns it lower-cased.
func (f fields) oneOf(key string, allowed []string) (string, error) {
	s, err := f.str(key, 0)
	if err != nil || s == "" {
		return s, err
	}
	if l := strings.ToLower(s); contains(allowed, l) {
		return l, nil
	}
	n, where := f.node(key)
	return "", errorf(n.Line, where, "%q is not one of %s", s, strings.Join(allowed, ", "))
}

// date reads an optional YYYY-MM-DD date.
func (f fields) date(key string) (string, error) {
	s, err := f.str(key, 0)
	if err != nil || s == "" {
		return s, err
	}
	if !datePattern.MatchString(s) {
		n, where := f.node(key)
		return "", errorf(n.Line, where, "%q is not a date written YYYY-MM-DD", s)
	}
	return s, nil
}

// list reads an optional list of strings; with single, one string is
// accepted as a list of one. Items shorter than minLen are refused; with
// unique, so are repeated items.
func (f fields) list(key string, single, unique bool, minLen int) ([]string, error) {
	n, where := f.node(key)
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode && single {
		return []string{n.Value}, nil
	}
	return stringList(n, where, unique, minLen)
}

func stringList(n *yaml.Node, where string, unique bool, minLen int) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, errorf(n.Line, where, "must be a list of strings, found %s", kindName(n))
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		e = deref(e)
		if e == nil || e.Kind != yaml.ScalarNode || isNull(e) {
			return nil, errorf(line(e), where, "must be a list of strings, found an item that is %s", kindName(e))
		}
		if len(e.Value) < minLen {
			return nil, errorf(e.Line, where, "item %q is shorter than %d characters", e.Value, minLen)
		}
		if unique && contains(out, e.Value) {
			return nil, errorf(e.Line, where, "item %q is listed twice", e.Value)
		}
		out = append(out, e.Value)
	}
	return out, nil
}

// parseMeta reads what every kind of document shares. Title is mandatory
// for all three; unknown top-level keys are allowed (custom fields).
func parseMeta(d document, f fields, correlation bool) (Meta, error) {
	m := Meta{Path: d.path, Line: d.line}
	var err error
	str := func(dst *string, key string, max int) {
		if err == nil {
			*dst, err = f.str(key, max)
		}
	}
	str(&m.Title, "title", 256)
	if err == nil && strings.TrimSpace(m.Title) == "" {
		return m, errorf(d.line, "title", "is missing; every Sigma document needs a title")
	}
	str(&m.ID, "id", 0)
	str(&m.Name, "name", 256)
	str(&m.Description, "description", 65535)
	str(&m.Author, "author", 0)
	if err == nil {
		m.Status, err = f.oneOf("status", statuses)
	}
	if err == nil {
		m.Level, err = f.oneOf("level", levels)
	}
	if err == nil {
		m.Date, err = f.date("date")
	}
	if err == nil {
		m.Modified, err = f.date("modified")
	}
	if err == nil {
		m.Tags, err = f.list("tags", false, true, 0)
	}
	if err == nil {
		err = checkTags(f)
	}
	if err == nil {
		m.References, err = f.list("references", false, true, 0)
	}
	if err == nil {
		m.FalsePositives, err = f.list("falsepositives", correlation, true, 2)
	}
	if err == nil {
		_, err = f.list("scope", false, false, 2)
	}
	var license, taxonomy string
	str(&license, "license", 0)
	str(&taxonomy, "taxonomy", 256)
	if err == nil {
		err = checkRelated(f)
	}
	return m, err
}

// checkTags refuses tags that are not namespace.name in lower case.
func checkTags(f fields) error {
	n, where := f.node("tags")
	if n == nil {
		return nil
	}
	for _, t := range n.Content {
		if t = deref(t); !tagPattern.MatchString(t.Value) {
			return errorf(t.Line, where, "tag %q is not namespace.name in lower case (e.g. attack.t1059)", t.Value)
		}
	}
	return nil
}

// checkRelated validates the related list: each entry an id and a type.
func checkRelated(f fields) error {
	n, where := f.node("related")
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return errorf(n.Line, where, "must be a list, found %s", kindName(n))
	}
	for _, e := range n.Content {
		ps, err := pairs(e, where)
		if err != nil {
			return err
		}
		rf := newFields(ps)
		id, err := rf.str("id", 0)
		if err != nil {
			return err
		}
		if id == "" {
			return errorf(line(e), where, "entry needs an id")
		}
		typ, err := rf.oneOf("type", relatedTypes)
		if err != nil {
			return err
		}
		if typ == "" {
			return errorf(line(e), where, "entry needs a type (%s)", strings.Join(relatedTypes, ", "))
		}
	}
	return nil
}

// parseLogSource reads a logsource section. Besides category, product,
// service and definition it may hold other keys, as the specification
// allows.
func parseLogSource(f fields) (LogSource, error) {
	n, where := f.node("logsource")
	if n == nil {
		return LogSource{}, errorf(0, "logsource", "is missing")
	}
	ps, err := pairs(n, where)
	if err != nil {
		return LogSource{}, err
	}
	lf := newFields(ps)
	var ls LogSource
	for _, k := range []struct {
		dst *string
		key string
	}{{&ls.Category, "category"}, {&ls.Product, "product"}, {&ls.Service, "service"}, {&ls.Definition, "definition"}} {
		if *k.dst, err = lf.str(k.key, 0); err != nil {
			return ls, err
		}
	}
	return ls, nil
}
