package correlate

import (
	"errors"
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// builder resolves the correlations' references and orders them so that a
// correlation comes after the correlations it reads.
type builder struct {
	rules []*sigma.Rule
	defs  []*sigma.Correlation
	// byRef finds nodes (rules, then correlations) by idKey and nameKey.
	byRef map[string][]int
	refs  [][]int // per correlation, the node each Rules entry resolved to (-1 if none)
	errs  []*Error
	state []uint8 // 0 unvisited, 1 on the stack, 2 done
	stack []int
	order []int
}

// New builds an Engine for corrs, whose references resolve among rules and
// corrs. It returns a working Engine even when some correlations are
// refused; the error joins one *Error per refused correlation.
func New(rules []*sigma.Rule, corrs []*sigma.Correlation) (*Engine, error) {
	b := newBuilder(rules, corrs)
	e := newEngine()
	for _, i := range b.order {
		if err := e.addCorrelation(b, i); err != nil {
			b.errs[i] = err
		}
	}
	e.finish()
	var errs []error
	for _, err := range b.errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return e, errors.Join(errs...)
}

// newBuilder resolves and orders corrs among rules; b.order lists the
// correlations that are not refused.
func newBuilder(rules []*sigma.Rule, corrs []*sigma.Correlation) *builder {
	b := &builder{
		rules: slices.DeleteFunc(slices.Clone(rules), func(r *sigma.Rule) bool { return r == nil }),
		defs:  slices.DeleteFunc(slices.Clone(corrs), func(c *sigma.Correlation) bool { return c == nil }),
		byRef: map[string][]int{},
	}
	b.index()
	b.refs = make([][]int, len(b.defs))
	b.errs = make([]*Error, len(b.defs))
	for i := range b.defs {
		b.errs[i] = b.check(i)
	}
	b.state = make([]uint8, len(b.defs))
	for i := range b.defs {
		b.visit(i)
	}
	return b
}

func (b *builder) index() {
	add := func(m sigma.Meta, n int) {
		if m.ID != "" {
			b.byRef[idKey(m.ID)] = append(b.byRef[idKey(m.ID)], n)
		}
		if m.Name != "" {
			b.byRef[nameKey(m.Name)] = append(b.byRef[nameKey(m.Name)], n)
		}
	}
	for i, r := range b.rules {
		add(r.Meta, i)
	}
	for i, c := range b.defs {
		add(c.Meta, len(b.rules)+i)
	}
}

// idKey and nameKey key references as internal/sigma resolves them: ids
// case-insensitively, names exactly.
func idKey(id string) string  { return "id:" + strings.ToLower(id) }
func nameKey(n string) string { return "name:" + n }

// corrNode returns the correlation index of node n, if n is a correlation.
func (b *builder) corrNode(n int) (int, bool) {
	if n >= len(b.rules) {
		return n - len(b.rules), true
	}
	return 0, false
}

// check validates correlation i and resolves its references.
func (b *builder) check(i int) *Error {
	c := b.defs[i]
	if err := validate(c); err != nil {
		return err
	}
	b.refs[i] = make([]int, len(c.Rules))
	var first *Error
	for k, ref := range c.Rules {
		n, err := b.resolve(ref)
		b.refs[i][k] = n
		if err != nil && first == nil {
			first = refError(c, ref, err)
		}
	}
	return first
}

// resolve finds what ref names, in the order internal/sigma looks: a rule
// by name, a rule by id, a correlation by name, a correlation by id.
func (b *builder) resolve(ref string) (int, error) {
	for _, corr := range []bool{false, true} {
		for _, key := range []string{nameKey(ref), idKey(ref)} {
			ns := slices.DeleteFunc(slices.Clone(b.byRef[key]), func(n int) bool {
				_, isCorr := b.corrNode(n)
				return isCorr != corr
			})
			switch len(ns) {
			case 0:
				continue
			case 1:
				return ns[0], nil
			}
			return -1, ErrAmbiguousRef
		}
	}
	return -1, ErrUnknownRef
}

// validate checks what a correlation needs for its type.
func validate(c *sigma.Correlation) *Error {
	k, ok := kinds[c.Type]
	switch {
	case !ok:
		return defError(c, "unknown correlation type %q", c.Type)
	case c.Timespan <= 0:
		return defError(c, "timespan must be positive, not %v", c.Timespan)
	case len(c.Rules) == 0:
		return defError(c, "no rules to correlate")
	}
	cond := newCondition(c.Condition, 0)
	if cond.empty() && k != temporal && k != temporalOrdered {
		return defError(c, "%s needs a condition (gt, gte, lt, lte, eq or neq)", c.Type)
	}
	if fs := valueFields(c); k.needsField() && (len(fs) == 0 || slices.Contains(fs, "")) {
		return defError(c, "%s needs a condition field", c.Type)
	}
	if fs := valueFields(c); k.numeric() && len(fs) > 1 {
		return defError(c, "%s aggregates one number; condition field lists %d fields %q", c.Type, len(fs), fs)
	}
	return nil
}

// valueFields is the condition's field list: Fields, or else Field.
func valueFields(c *sigma.Correlation) []string {
	if len(c.Fields) > 0 {
		return c.Fields
	}
	if c.Field != "" {
		return []string{c.Field}
	}
	return nil
}

// visit orders correlation i after those it reads, refusing cycles and the
// users of refused correlations.
func (b *builder) visit(i int) {
	switch b.state[i] {
	case 2:
		return
	case 1:
		for k := len(b.stack) - 1; k >= 0; k-- {
			j := b.stack[k]
			if b.errs[j] == nil {
				b.errs[j] = &Error{Correlation: b.defs[j], Err: ErrCycle}
			}
			if j == i {
				break
			}
		}
		return
	}
	b.state[i] = 1
	b.stack = append(b.stack, i)
	for k, n := range b.refs[i] {
		j, ok := b.corrNode(n)
		if n < 0 || !ok {
			continue
		}
		b.visit(j)
		if b.errs[j] != nil && b.errs[i] == nil {
			b.errs[i] = refError(b.defs[i], b.defs[i].Rules[k], ErrRefused)
		}
	}
	b.stack = b.stack[:len(b.stack)-1]
	b.state[i] = 2
	if b.errs[i] == nil {
		b.order = append(b.order, i)
	}
}

// fieldFor resolves a group-by entry or field of correlation c for the rule
// referenced as ref (node n): the aliased field, or name itself.
func (b *builder) fieldFor(c *sigma.Correlation, name, ref string, n int) string {
	m, ok := c.Aliases[name]
	if !ok {
		return name
	}
	if f, ok := m[ref]; ok {
		return f
	}
	for _, key := range sortedKeys(m) {
		if k, err := b.resolve(key); err == nil && k == n {
			return m[key]
		}
	}
	return name
}

// checkAliases refuses alias entries keyed by something that is not one of
// the correlation's rules: such an entry would silently never apply.
func (b *builder) checkAliases(i int) *Error {
	c := b.defs[i]
	for _, alias := range sortedKeys(c.Aliases) {
		for _, key := range sortedKeys(c.Aliases[alias]) {
			if !b.refersTo(i, key) {
				return defError(c, "alias %q: %q is not one of the correlation's rules", alias, key)
			}
		}
	}
	return nil
}

func (b *builder) refersTo(i int, key string) bool {
	target, err := b.resolve(key)
	for k, n := range b.refs[i] {
		if key == b.defs[i].Rules[k] || (err == nil && n == target) {
			return true
		}
	}
	return false
}

// checkChained refuses a field that the inner correlation's results lack:
// they carry only the inner group-by values.
func checkChained(c *sigma.Correlation, what, field string, inner *sigma.Correlation) *Error {
	for _, g := range inner.GroupBy {
		if strings.EqualFold(g, field) {
			return nil
		}
	}
	return defError(c, "%s %q: the results of %s carry only its group-by fields %q",
		what, field, describe(inner), inner.GroupBy)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// internAll interns each name.
func internAll(names []string) []event.FieldID {
	ids := make([]event.FieldID, len(names))
	for i, n := range names {
		ids[i] = event.Intern(n)
	}
	return ids
}
