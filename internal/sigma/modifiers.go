package sigma

import (
	"fmt"
	"strings"
)

// modKind groups the value modifiers of the modifiers appendix by what they
// do, to check which may be chained.
type modKind uint8

const (
	modTransform modKind = iota // rewrites the value: contains, base64, windash, ...
	modGeneric                  // all, cased, neq
	modType                     // re, cidr, exists, fieldref, lt..gte, time parts
	modRegexFlag                // i, m, s after re
)

// knownModifiers are the modifiers of the Sigma 2.1 modifiers appendix.
var knownModifiers = map[string]modKind{
	"contains": modTransform, "startswith": modTransform, "endswith": modTransform,
	"windash": modTransform, "base64": modTransform, "base64offset": modTransform,
	"utf16le": modTransform, "utf16be": modTransform, "utf16": modTransform, "wide": modTransform,
	"expand": modTransform,
	"all":    modGeneric, "cased": modGeneric, "neq": modGeneric,
	"re": modType, "cidr": modType, "exists": modType, "fieldref": modType,
	"lt": modType, "lte": modType, "gt": modType, "gte": modType,
	"minute": modType, "hour": modType, "day": modType, "week": modType, "month": modType, "year": modType,
	"i": modRegexFlag, "m": modRegexFlag, "s": modRegexFlag,
}

func isCompare(m string) bool { return m == "lt" || m == "lte" || m == "gt" || m == "gte" }

func isTimePart(m string) bool {
	switch m {
	case "minute", "hour", "day", "week", "month", "year":
		return true
	}
	return false
}

func isPositional(m string) bool { return m == "contains" || m == "startswith" || m == "endswith" }

// modifiers is the parsed key of a detection item: "Field|mod1|mod2".
type modifiers struct {
	field    string   // "" for a keyword search
	steps    []string // value transformations, in the order written
	all      bool
	cased    bool
	neq      bool
	expand   bool
	kind     string // the type modifier: re, cidr, exists, fieldref, lt.., a time part, or ""
	compare  string // lt, lte, gt or gte (also after a time part)
	reFlags  string // sub-modifiers of re, e.g. "i" or "ms"
	timePart string
}

// positional reports whether a contains, startswith or endswith was given.
func (m *modifiers) positional() bool {
	for _, s := range m.steps {
		if isPositional(s) {
			return true
		}
	}
	return false
}

// parseKey splits a detection key into field and modifiers and checks that
// the chain is one the modifiers appendix defines.
func parseKey(key, where string, line int) (*modifiers, error) {
	parts := strings.Split(key, "|")
	m := &modifiers{field: parts[0]}
	bad := func(format string, args ...any) error {
		return errorf(line, where, "%s in %q", fmt.Sprintf(format, args...), key)
	}
	seen := map[string]bool{}
	for _, name := range parts[1:] {
		if name == "" {
			return nil, bad("empty modifier")
		}
		kind, ok := knownModifiers[name]
		if !ok {
			msg := fmt.Sprintf("unknown modifier %q in %q", name, key)
			if s := suggest(name); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, errorf(line, where, "%s", msg)
		}
		if seen[name] || name == "wide" && seen["utf16le"] || name == "utf16le" && seen["wide"] {
			return nil, bad("modifier %q given twice", name)
		}
		seen[name] = true
		if err := m.add(name, kind); err != nil {
			return nil, bad("%s", err)
		}
	}
	if err := m.check(); err != nil {
		return nil, bad("%s", err)
	}
	return m, nil
}

// add records one modifier, refusing chains that make no sense in the
// order written.
func (m *modifiers) add(name string, kind modKind) error {
	switch kind {
	case modTransform:
		m.steps = append(m.steps, name)
		m.expand = m.expand || name == "expand"
	case modGeneric:
		switch name {
		case "all":
			m.all = true
		case "cased":
			m.cased = true
		case "neq":
			m.neq = true
		}
	case modRegexFlag:
		if m.kind != "re" {
			return fmt.Errorf("modifier %q is a sub-modifier of re and must follow it", name)
		}
		m.reFlags += name
	case modType:
		switch {
		case isCompare(name) && (m.kind == "" || isTimePart(m.kind)) && m.compare == "":
			m.compare = name
			if m.kind == "" {
				m.kind = name
			}
		case isTimePart(name) && m.kind == "":
			m.kind, m.timePart = name, name
		case m.kind != "":
			return fmt.Errorf("modifier %q cannot be combined with %q", name, m.kind)
		default:
			m.kind = name
		}
	}
	return nil
}

// check refuses combinations of a type modifier with transformations.
func (m *modifiers) check() error {
	switch {
	case m.kind == "exists":
		if len(m.steps) > 0 || m.all || m.neq || m.cased {
			return fmt.Errorf("exists cannot be combined with other modifiers")
		}
	case m.kind == "fieldref":
		for _, s := range m.steps {
			if !isPositional(s) {
				return fmt.Errorf("fieldref can only be combined with contains, startswith, endswith, cased, neq and all, not %q", s)
			}
		}
	case m.kind != "":
		if len(m.steps) > 0 {
			return fmt.Errorf("%s cannot be combined with %q", m.kind, m.steps[0])
		}
		if m.compare != "" && m.neq {
			return fmt.Errorf("neq cannot be combined with %s", m.compare)
		}
	}
	if m.field == "" {
		switch {
		case m.neq:
			return fmt.Errorf("neq needs a field name")
		case m.kind != "" && m.kind != "re":
			return fmt.Errorf("%s needs a field name", m.kind)
		}
	}
	return nil
}

// suggest returns the known modifier closest to an unknown one, if any is
// within two edits.
func suggest(name string) string {
	best, bestD := "", 3
	for k := range knownModifiers {
		if len(k) < 3 {
			continue
		}
		if d := editDistance(strings.ToLower(name), k); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
