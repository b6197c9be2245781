package console

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// EventField is one field of an alert's event; Matched marks the fields
// the rule's detection rests on.
type EventField struct {
	Name, Value string
	Matched     bool
}

// eventFields lists the event's fields by name, marking those the rule
// matched: a field is marked when the rule no longer matches the event
// without it. When no single field is needed (a rule matching two ways at
// once) or the rule is a correlation, the fields named by the rule's
// required literals, or the correlation's group-by fields, are marked.
func eventFields(m map[string]any, rule *sigma.Rule, corr *sigma.Correlation) []EventField {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	out := make([]EventField, len(names))
	for i, n := range names {
		out[i] = EventField{Name: n, Value: strings.Join(valuesOf(m[n]), "\n")}
	}
	matched := map[string]bool{}
	switch {
	case rule != nil:
		matched = ruleFields(m, names, rule)
	case corr != nil:
		for _, g := range corr.GroupBy {
			matched[strings.ToLower(g)] = true
		}
	}
	for i := range out {
		out[i].Matched = matched[strings.ToLower(out[i].Name)]
	}
	return out
}

// ruleFields are the lower-cased names of the fields rule's match rests on.
func ruleFields(m map[string]any, names []string, rule *sigma.Rule) map[string]bool {
	out := map[string]bool{}
	if rule.Match(eventOf(m, "")) {
		for _, n := range names {
			if !rule.Match(eventOf(m, n)) {
				out[strings.ToLower(n)] = true
			}
		}
	}
	if len(out) == 0 {
		for _, l := range rule.Required() {
			if l.Field != 0 {
				out[strings.ToLower(l.Field.String())] = true
			}
		}
	}
	return out
}

// eventOf builds an event from an alert's event map, leaving out the
// field named skip.
func eventOf(m map[string]any, skip string) *event.Event {
	ev := &event.Event{}
	for k, v := range m {
		if k == skip {
			continue
		}
		for _, s := range valuesOf(v) {
			ev.Set(k, s)
		}
	}
	return ev
}

// valuesOf is a field's value or values as strings.
func valuesOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = fmt.Sprint(x)
		}
		return out
	case nil:
		return []string{""}
	}
	return []string{fmt.Sprint(v)}
}
