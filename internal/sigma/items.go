package sigma

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

// valueTest tests one value of an event against the values a detection item
// lists. A written value may have expanded into several alternatives
// (windash, base64offset, placeholders); each written value is a group.
type valueTest interface {
	// test reports whether the value at position i of ev matches group g,
	// or any group when g < 0.
	test(ev *event.Event, i, g int) bool
	groups() int
	cost() int
}

// item is one "field|modifiers: values" entry of a search identifier, or a
// keyword search when field is 0.
//
// Repeated fields: an item matches when some value of the field matches
// some listed value; with "all", every listed value must match some value
// of the field (not necessarily the same one). A missing field never
// matches, and neither does a neq item: neq means "the field is present and
// none of its values matches", so that `Field|neq: x` differs from the
// condition `not` (which also accepts events without the field).
type item struct {
	field event.FieldID
	all   bool
	neq   bool
	t     valueTest
	lits  []Literal
}

func (it *item) match(ev *event.Event) bool {
	if it.field == 0 {
		return it.keyword(ev)
	}
	first := ev.Index(it.field)
	if first < 0 {
		return false
	}
	return it.positive(ev, first) != it.neq
}

func (it *item) positive(ev *event.Event, first int) bool {
	if !it.all {
		for i := first; i >= 0; i = ev.Next(i) {
			if it.t.test(ev, i, -1) {
				return true
			}
		}
		return false
	}
	for g := range it.t.groups() {
		found := false
		for i := first; i >= 0; i = ev.Next(i) {
			if it.t.test(ev, i, g) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// keyword searches every value of every field.
func (it *item) keyword(ev *event.Event) bool {
	n := ev.Len()
	if !it.all {
		for i := range n {
			if it.t.test(ev, i, -1) {
				return true
			}
		}
		return false
	}
	for g := range it.t.groups() {
		found := false
		for i := range n {
			if it.t.test(ev, i, g) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (it *item) cost() int {
	c := it.t.cost()
	if it.field == 0 {
		c *= 8 // every field is searched
	}
	return c
}

func (it *item) literals() []Literal {
	if it.neq {
		return nil
	}
	return it.lits
}

// strTest compares values with string patterns, case-insensitively unless
// cased (patterns are lower-cased at compile time and compared with the
// event's cached lower-cased values).
type strTest struct {
	cased bool
	group [][]strPred
	flat  []strPred
	many  *multiMatch // flat, when it is long enough to match together
}

func (t *strTest) test(ev *event.Event, i, g int) bool {
	var v string
	if t.cased {
		v = ev.Value(i)
	} else {
		v = ev.Lower(i)
	}
	preds := t.flat
	switch {
	case g >= 0:
		preds = t.group[g]
	case t.many != nil:
		return t.many.match(v)
	}
	for k := range preds {
		if preds[k].match(v) {
			return true
		}
	}
	return false
}

func (t *strTest) groups() int { return len(t.group) }

func (t *strTest) cost() int {
	if t.many != nil {
		return 4 + 2*len(t.many.rest)
	}
	c := 1
	for k := range t.flat {
		c++
		if t.flat[k].kind == pGlob {
			c += 2
		}
	}
	return c
}

// reTest matches values with regular expressions, one per written value.
// Each expression has a gate (see regexGate) checked first.
type reTest struct {
	res   []*regexp.Regexp
	gates []reGate
}

type reGate struct {
	lits []string
	fold bool
}

// open reports whether the value at i may match: it holds one of the
// gate's strings, or the gate knows none.
func (g *reGate) open(ev *event.Event, i int) bool {
	if g.lits == nil {
		return true
	}
	v := ev.Value(i)
	if g.fold {
		v = ev.Lower(i)
	}
	for _, l := range g.lits {
		if strings.Contains(v, l) {
			return true
		}
	}
	return false
}

func (t *reTest) test(ev *event.Event, i, g int) bool {
	if g >= 0 {
		return t.gates[g].open(ev, i) && t.res[g].MatchString(ev.Value(i))
	}
	for k, re := range t.res {
		if t.gates[k].open(ev, i) && re.MatchString(ev.Value(i)) {
			return true
		}
	}
	return false
}

func (t *reTest) groups() int { return len(t.res) }
func (t *reTest) cost() int   { return 20 * len(t.res) }

// cidrTest matches IP addresses against network ranges. IPv4 addresses
// written in IPv6 form (::ffff:10.0.0.1) match IPv4 ranges.
type cidrTest struct{ nets []netip.Prefix }

func (t *cidrTest) test(ev *event.Event, i, g int) bool {
	a, ok := parseIP(ev.Value(i))
	if !ok {
		return false
	}
	if g >= 0 {
		return t.nets[g].Contains(a)
	}
	for _, n := range t.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

func (t *cidrTest) groups() int { return len(t.nets) }
func (t *cidrTest) cost() int   { return 4 + len(t.nets) }

// parseIP parses an address without allocating on the common failure of a
// value that is not an address at all.
func parseIP(s string) (netip.Addr, bool) {
	if len(s) < 2 || len(s) > 64 {
		return netip.Addr{}, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == '.' || c == ':') {
			return netip.Addr{}, false
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// cmpTest compares numbers: the value itself, or a part (hour, day, ...)
// of a timestamp value. Values that are not numbers (or timestamps) never
// match.
type cmpTest struct {
	op   string // lt, lte, gt, gte, or "" for equality
	part string // a time part, or ""
	nums []float64
}

func (t *cmpTest) test(ev *event.Event, i, g int) bool {
	var x float64
	var ok bool
	if t.part != "" {
		x, ok = timePart(ev.Value(i), t.part)
	} else {
		x, ok = parseNumber(ev.Value(i))
	}
	if !ok {
		return false
	}
	if g >= 0 {
		return compare(t.op, x, t.nums[g])
	}
	for _, n := range t.nums {
		if compare(t.op, x, n) {
			return true
		}
	}
	return false
}

func (t *cmpTest) groups() int { return len(t.nums) }
func (t *cmpTest) cost() int   { return 3 + len(t.nums) }

func compare(op string, x, n float64) bool {
	switch op {
	case "lt":
		return x < n
	case "lte":
		return x <= n
	case "gt":
		return x > n
	case "gte":
		return x >= n
	}
	return x == n
}

// refTest compares a field with other fields of the same event (fieldref):
// equal, or starting with, ending with or containing the other field's
// value; case-insensitive unless cased. A missing other field never
// matches.
type refTest struct {
	kind  predKind
	cased bool
	refs  []event.FieldID
}

func (t *refTest) test(ev *event.Event, i, g int) bool {
	if g >= 0 {
		return t.one(ev, i, t.refs[g])
	}
	for _, r := range t.refs {
		if t.one(ev, i, r) {
			return true
		}
	}
	return false
}

func (t *refTest) one(ev *event.Event, i int, ref event.FieldID) bool {
	v := t.value(ev, i)
	for j := ev.Index(ref); j >= 0; j = ev.Next(j) {
		p := strPred{kind: t.kind, s: t.value(ev, j)}
		if p.match(v) {
			return true
		}
	}
	return false
}

func (t *refTest) value(ev *event.Event, i int) string {
	if t.cased {
		return ev.Value(i)
	}
	return ev.Lower(i)
}

func (t *refTest) groups() int { return len(t.refs) }
func (t *refTest) cost() int   { return 4 * len(t.refs) }

// existsItem checks that a field is present (or absent), whatever its value.
type existsItem struct {
	field event.FieldID
	want  bool
}

func (e existsItem) match(ev *event.Event) bool { return ev.Has(e.field) == e.want }
func (e existsItem) cost() int                  { return 1 }
func (e existsItem) literals() []Literal        { return nil }

// nullItem matches events in which the field is absent: that is what a
// null value means for Vigil's events, whose values are all strings (an
// input that reads a JSON null omits the field). An empty string is a value,
// matched by `Field: ”`.
type nullItem struct{ field event.FieldID }

func (n nullItem) match(ev *event.Event) bool { return !ev.Has(n.field) }
func (n nullItem) cost() int                  { return 1 }
func (n nullItem) literals() []Literal        { return nil }
