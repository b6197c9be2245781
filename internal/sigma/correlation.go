package sigma

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var correlationTypes = []string{
	string(EventCount), string(ValueCount), string(Temporal), string(TemporalOrdered),
	string(ValueSum), string(ValueAvg), string(ValuePercentile),
}

// correlationKeys are the keys a correlation section may hold.
var correlationKeys = []string{"type", "rules", "aliases", "group-by", "timespan", "condition", "generate"}

var timespanPattern = regexp.MustCompile(`^([0-9]+)([smhd])$`)

// parseCorrelation reads and validates a correlation rule document. For
// temporal types without a condition, the condition defaults to "all
// referenced rules matched" (gte the number of rules), as the
// specification describes them. References are resolved later, once every
// file is loaded.
func parseCorrelation(d document, f fields) (*Correlation, error) {
	meta, err := parseMeta(d, f, true)
	if err != nil {
		return nil, err
	}
	sec, where := f.node("correlation")
	if sec == nil {
		return nil, errorf(d.line, "correlation", "is empty")
	}
	ps, err := pairs(sec, where)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if !contains(correlationKeys, p.key) {
			return nil, errorf(p.k.Line, p.where, "unknown key (a correlation has %s)", strings.Join(correlationKeys, ", "))
		}
	}
	cf := newFields(ps)
	secLine := f.keyLine("correlation")
	c := &Correlation{Meta: meta}
	typ, err := cf.oneOf("type", correlationTypes)
	if err != nil {
		return nil, err
	}
	if typ == "" {
		return nil, errorf(secLine, joinPath(where, "type"), "is missing (one of %s)", strings.Join(correlationTypes, ", "))
	}
	c.Type = CorrelationType(typ)
	if c.Rules, err = requiredList(cf, secLine, where, "rules", 2); err != nil {
		return nil, err
	}
	if c.GroupBy, err = cf.list("group-by", true, true, 0); err != nil {
		return nil, err
	}
	if !cf.has("group-by") {
		return nil, errorf(secLine, joinPath(where, "group-by"), "is missing (an empty list groups all events together)")
	}
	if c.Timespan, err = parseTimespan(cf, secLine, where); err != nil {
		return nil, err
	}
	if c.Aliases, err = parseAliases(cf); err != nil {
		return nil, err
	}
	if c.Generate, err = parseGenerate(f, cf); err != nil {
		return nil, err
	}
	if err := parseCorrCondition(c, cf, secLine, where); err != nil {
		return nil, err
	}
	return c, nil
}

// requiredList reads a mandatory, non-empty list of strings.
func requiredList(f fields, secLine int, where, key string, minLen int) ([]string, error) {
	list, err := f.list(key, true, true, minLen)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errorf(secLine, joinPath(where, key), "is missing or empty")
	}
	return list, nil
}

// parseTimespan reads "number + unit" with unit s, m, h or d.
func parseTimespan(f fields, secLine int, where string) (time.Duration, error) {
	s, err := f.str("timespan", 0)
	if err != nil {
		return 0, err
	}
	n, at := f.node("timespan")
	if s == "" {
		return 0, errorf(secLine, joinPath(where, "timespan"), "is missing (e.g. 30s, 5m, 1h, 2d)")
	}
	m := timespanPattern.FindStringSubmatch(s)
	if m == nil || len(s) > 10 {
		return 0, errorf(n.Line, at, "%q is not a number followed by s, m, h or d (e.g. 90m)", s)
	}
	num, err := strconv.ParseInt(m[1], 10, 64)
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	if err != nil || num <= 0 || num > int64(100*365*24*time.Hour/unit) {
		return 0, errorf(n.Line, at, "%q is not a usable time span", s)
	}
	return time.Duration(num) * unit, nil
}

// parseAliases reads alias name -> rule reference -> field name.
func parseAliases(f fields) (map[string]map[string]string, error) {
	n, where := f.node("aliases")
	if n == nil {
		return nil, nil
	}
	ps, err := pairs(n, where)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(ps))
	for _, p := range ps {
		inner, err := pairs(p.v, p.where)
		if err != nil {
			return nil, err
		}
		if len(inner) == 0 {
			return nil, errorf(p.k.Line, p.where, "maps no rule to a field")
		}
		m := make(map[string]string, len(inner))
		for _, q := range inner {
			v := deref(q.v)
			if v == nil || v.Kind != yaml.ScalarNode || isNull(v) || v.Value == "" {
				return nil, errorf(q.k.Line, q.where, "must name a field, found %s", kindName(v))
			}
			m[q.key] = v.Value
		}
		out[p.key] = m
	}
	return out, nil
}

// parseGenerate reads generate, which the schema puts at the top level and
// some tools inside the correlation section; both are accepted.
func parseGenerate(top, sec fields) (bool, error) {
	for _, f := range []fields{sec, top} {
		n, where := f.node("generate")
		if n == nil {
			continue
		}
		b, ok := boolValue(n)
		if !ok {
			return false, errorf(n.Line, where, "must be true or false, found %s", kindName(n))
		}
		return b, nil
	}
	return false, nil
}

// parseCorrCondition reads the condition: bounds (gt, gte, lt, lte, eq,
// neq) that must all hold, and for the value_* types the field whose
// values are counted or aggregated.
func parseCorrCondition(c *Correlation, f fields, secLine int, where string) error {
	valueType := strings.HasPrefix(string(c.Type), "value_")
	temporal := c.Type == Temporal || c.Type == TemporalOrdered
	n, cwhere := f.node("condition")
	if n == nil {
		if temporal {
			all := float64(len(c.Rules))
			c.Condition.GTE = &all
			return nil
		}
		return errorf(secLine, joinPath(where, "condition"), "is missing (e.g. gte: 10)")
	}
	ps, err := pairs(n, cwhere)
	if err != nil {
		return err
	}
	bounds := 0
	for _, p := range ps {
		if p.key == "field" {
			if err := corrField(c, p, valueType); err != nil {
				return err
			}
			continue
		}
		dst := c.Condition.bound(p.key)
		if dst == nil {
			return errorf(p.k.Line, p.where, "unknown operator (use gt, gte, lt, lte, eq or neq)")
		}
		v := deref(p.v)
		x, ok := 0.0, false
		if v != nil && v.Kind == yaml.ScalarNode && (v.ShortTag() == "!!int" || v.ShortTag() == "!!float") {
			x, ok = parseNumber(v.Value)
		}
		if !ok {
			return errorf(line(v), p.where, "must be a number, found %s", kindName(v))
		}
		*dst = &x
		bounds++
	}
	if bounds == 0 {
		return errorf(n.Line, cwhere, "needs at least one of gt, gte, lt, lte, eq, neq")
	}
	if valueType && c.Field == "" {
		return errorf(n.Line, cwhere, "%s needs the field whose values it aggregates (condition.field)", c.Type)
	}
	return nil
}

// corrField reads condition.field: one field name, or a list for value
// types that combine several fields.
func corrField(c *Correlation, p pair, valueType bool) error {
	if !valueType {
		return errorf(p.k.Line, p.where, "is only used by the value_count, value_sum, value_avg and value_percentile types, not %s", c.Type)
	}
	v := deref(p.v)
	switch {
	case v != nil && v.Kind == yaml.ScalarNode && !isNull(v) && v.Value != "":
		c.Fields = []string{v.Value}
	case v != nil && v.Kind == yaml.SequenceNode:
		list, err := stringList(v, p.where, true, 1)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return errorf(v.Line, p.where, "is an empty list")
		}
		c.Fields = list
	default:
		return errorf(line(v), p.where, "must be a field name or a list of field names, found %s", kindName(v))
	}
	c.Field = c.Fields[0]
	return nil
}

// bound returns the field of r for an operator name, nil if unknown.
func (r *Range) bound(op string) **float64 {
	switch op {
	case "gt":
		return &r.GT
	case "gte":
		return &r.GTE
	case "lt":
		return &r.LT
	case "lte":
		return &r.LTE
	case "eq":
		return &r.EQ
	case "neq":
		return &r.NEQ
	}
	return nil
}

// Holds reports whether x satisfies every bound of r that is set.
func (r Range) Holds(x float64) bool {
	return (r.GT == nil || x > *r.GT) && (r.GTE == nil || x >= *r.GTE) &&
		(r.LT == nil || x < *r.LT) && (r.LTE == nil || x <= *r.LTE) &&
		(r.EQ == nil || x == *r.EQ) && (r.NEQ == nil || x != *r.NEQ)
}

// String renders r as the condition would be written, e.g. "gt 100, lte 200".
func (r Range) String() string {
	var parts []string
	for _, b := range []struct {
		op string
		v  *float64
	}{{"gt", r.GT}, {"gte", r.GTE}, {"lt", r.LT}, {"lte", r.LTE}, {"eq", r.EQ}, {"neq", r.NEQ}} {
		if b.v != nil {
			parts = append(parts, fmt.Sprintf("%s %s", b.op, strconv.FormatFloat(*b.v, 'g', -1, 64)))
		}
	}
	return strings.Join(parts, ", ")
}
