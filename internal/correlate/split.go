package correlate

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/internal/unionfind"
)

// Plan divides correlations between the two passes of a scaled-out
// detector. The event stream is partitioned by host, so a correlation
// grouped by a host field sees every event of its groups on one node: it
// stays in the host pass. Any other (grouped by user alone, say) must see
// the matches of every host, so it is "re-keyed": evaluated in a second
// pass whose stream is partitioned by the group-by values instead.
type Plan struct {
	// Host are the correlations the host pass evaluates, in the order
	// given, refused ones included (the engine refuses them again and
	// says why).
	Host []*sigma.Correlation
	// Groups are the re-keyed correlations, in groups whose windows must
	// meet on one node: correlations that read one another (a chain) or
	// share a detection rule.
	Groups []*KeyGroup
}

// KeyGroup is a set of re-keyed correlations routed together: every base
// event feeding them goes to the partition of its key, the values of
// KeyFields, which every correlation of the group groups by. Two events
// that can share a window of any of them share the key.
type KeyGroup struct {
	// ID names the group: the identity (id, else name, else title) of
	// its first correlation.
	ID string
	// Correlations are the group's correlations, in the order given.
	Correlations []*sigma.Correlation
	// KeyFields are the group-by entries (as written) common to every
	// correlation of the group, sorted. Empty when there are none, or
	// when the group's aliases read one rule's key from different fields:
	// the whole group then goes to one partition, which is always correct.
	KeyFields []string
	rules     []*sigma.Rule
	fields    map[*sigma.Rule][]event.FieldID // per base rule, the event field of each KeyFields entry
}

// Rules are the detection rules whose matches feed the group, in the order
// given to Split.
func (g *KeyGroup) Rules() []*sigma.Rule { return g.rules }

// Key is the routing key of an event that rule matched: its values of the
// group's key fields, read through the rule's aliases. ok is false when
// rule does not feed the group or the event lacks a key field (every
// correlation it feeds would leave the event out).
func (g *KeyGroup) Key(rule *sigma.Rule, ev *event.Event) (key string, ok bool) {
	ids, ok := g.fields[rule]
	if !ok {
		return "", false
	}
	var b []byte
	for _, id := range ids {
		v, ok := ev.Get(id)
		if !ok {
			return "", false
		}
		b = appendKeyPart(b, v)
	}
	return string(b), true
}

// KeyOf is the routing key of a result or alert of one of the group's
// correlations, from its group-by values (Result.GroupBy): the same key
// as Key gives the events it grouped. ok is false when a key field is
// missing from groupBy.
func (g *KeyGroup) KeyOf(groupBy map[string]string) (key string, ok bool) {
	var b []byte
	for _, f := range g.KeyFields {
		v, ok := groupBy[f]
		if !ok {
			return "", false
		}
		b = appendKeyPart(b, v)
	}
	return string(b), true
}

// appendKeyPart adds one value, length first, so that no two lists of
// values make one key.
func appendKeyPart(b []byte, v string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

// Rekeyed lists every re-keyed correlation, group by group.
func (p *Plan) Rekeyed() []*sigma.Correlation {
	var out []*sigma.Correlation
	for _, g := range p.Groups {
		out = append(out, g.Correlations...)
	}
	return out
}

// Split classifies corrs, whose references resolve among rules and corrs
// as New resolves them. A correlation stays in the host pass when one of
// its group-by entries reads a host field (compared without case) for
// every rule it references; it is re-keyed otherwise, and so is every
// correlation chained to a re-keyed one, as results cross a chain in one
// engine.
func Split(rules []*sigma.Rule, corrs []*sigma.Correlation, hostFields ...string) *Plan {
	b := newBuilder(rules, corrs)
	rekeyed := b.rekeyed(hostFields)
	plan := &Plan{}
	for i, c := range b.defs {
		if !rekeyed[i] {
			plan.Host = append(plan.Host, c)
		}
	}
	groups := b.keyGroups(rekeyed)
	for _, members := range groups {
		plan.Groups = append(plan.Groups, b.keyGroup(members))
	}
	return plan
}

// rekeyed marks the correlations grouped by no host field, and those
// chained to them.
func (b *builder) rekeyed(hostFields []string) []bool {
	chains := unionfind.New(len(b.defs))
	for i := range b.defs {
		for _, n := range b.refs[i] {
			if j, ok := b.corrNode(n); ok && n >= 0 {
				chains.Join(i, j)
			}
		}
	}
	marked := map[int]bool{}
	for _, i := range b.order {
		if !b.groupsByHost(i, hostFields) {
			marked[chains.Find(i)] = true
		}
	}
	out := make([]bool, len(b.defs))
	for _, i := range b.order {
		out[i] = marked[chains.Find(i)]
	}
	return out
}

// groupsByHost reports whether a group-by entry of correlation i reads a
// host field for every node it references.
func (b *builder) groupsByHost(i int, hostFields []string) bool {
	c := b.defs[i]
	isHost := func(f string) bool {
		return slices.ContainsFunc(hostFields, func(h string) bool { return strings.EqualFold(h, f) })
	}
	for _, g := range c.GroupBy {
		all := true
		for k, n := range b.refs[i] {
			if !isHost(b.fieldFor(c, g, c.Rules[k], n)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// keyGroups gathers the re-keyed correlations into groups joined by a
// chain or a shared detection rule, each in the order given, the groups in
// the order of their first member.
func (b *builder) keyGroups(rekeyed []bool) [][]int {
	u := unionfind.New(len(b.defs) + len(b.rules)) // correlations, then rules
	for i := range b.defs {
		if !rekeyed[i] {
			continue
		}
		for _, n := range b.refs[i] {
			if j, ok := b.corrNode(n); ok {
				u.Join(i, j)
			} else if n >= 0 {
				u.Join(i, len(b.defs)+n)
			}
		}
	}
	var groups [][]int
	at := map[int]int{}
	for i := range b.defs {
		if !rekeyed[i] {
			continue
		}
		root := u.Find(i)
		k, ok := at[root]
		if !ok {
			k = len(groups)
			at[root] = k
			groups = append(groups, nil)
		}
		groups[k] = append(groups[k], i)
	}
	return groups
}

// keyGroup builds the group of the correlations members: the group-by
// entries they share, and each base rule's fields for them.
func (b *builder) keyGroup(members []int) *KeyGroup {
	g := &KeyGroup{ID: corrRef(b.defs[members[0]]), fields: map[*sigma.Rule][]event.FieldID{}}
	common := slices.Clone(b.defs[members[0]].GroupBy)
	for _, i := range members {
		c := b.defs[i]
		g.Correlations = append(g.Correlations, c)
		common = slices.DeleteFunc(common, func(f string) bool { return !slices.Contains(c.GroupBy, f) })
	}
	slices.Sort(common)
	g.KeyFields = slices.Compact(common)
	names, consistent := b.keyFieldNames(members, g.KeyFields)
	if !consistent {
		g.KeyFields = nil
	}
	for n, r := range b.rules {
		fs, ok := names[n]
		if !ok {
			continue
		}
		g.rules = append(g.rules, r)
		if !consistent {
			fs = nil
		}
		g.fields[r] = internAll(fs)
	}
	return g
}

// keyFieldNames resolves, for each base rule the members reference, the
// event field of each key entry through the correlation's aliases. It
// reports false when one rule resolves differently for two correlations.
func (b *builder) keyFieldNames(members []int, keys []string) (map[int][]string, bool) {
	names := map[int][]string{}
	consistent := true
	for _, i := range members {
		c := b.defs[i]
		for k, n := range b.refs[i] {
			if _, isCorr := b.corrNode(n); isCorr || n < 0 {
				continue
			}
			fs := make([]string, len(keys))
			for j, key := range keys {
				fs[j] = b.fieldFor(c, key, c.Rules[k], n)
			}
			if prev, seen := names[n]; seen && !slices.Equal(prev, fs) {
				consistent = false
			}
			names[n] = fs
		}
	}
	return names, consistent
}
