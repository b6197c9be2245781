package serve

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// keyPartitionOffset numbers the key pass's partitions in the shared
// store apart from the host pass's: key partition p is committed as
// keyPartitionOffset+p (host partitions are at most 4096).
const keyPartitionOffset = 1_000_000

// keyStreamSuffix names the key pass's stream after the event stream's:
// VIGIL_EVENTS_CORR, its leases in VIGIL_EVENTS_CORR_LEASES.
const keyStreamSuffix = "_CORR"

// hostField is the group-by field that keeps a correlation in the host
// pass: the one the stream's partitions follow (bus.PartitionOf of an
// event's host) and the one an alert takes its host from.
const hostField = "Computer"

// rekeyPlan is how a detect node splits its correlations (docs/scale-out.md,
// "The key pass"): those grouped by the host run in the host pass on the
// events' partitions; the others are re-keyed: the host pass publishes the
// matches feeding them to the key stream, partitioned by their group-by
// values, and the key pass evaluates them there.
type rekeyPlan struct {
	host    []*sigma.Correlation
	rekeyed []*sigma.Correlation
	groups  []*correlate.KeyGroup
	feeds   map[*sigma.Rule][]int // base rule -> the groups it feeds
	rules   map[string]*sigma.Rule
	// quiet are the rules that raise no alert of their own, decided over
	// every correlation: a rule feeding only re-keyed ones stays quiet
	// in the host pass although no correlation there reads it.
	quiet map[*sigma.Rule]bool
	// byAlert finds a re-keyed correlation's group by its alert's rule id.
	byAlert map[string]alertGroup
}

// alertGroup is a re-keyed correlation's group and its group-by entries,
// to route its stored alerts to the key partition that updates them.
type alertGroup struct {
	group   *correlate.KeyGroup
	groupBy []string
}

// newRekeyPlan classifies set's correlations.
func newRekeyPlan(set *sigma.Set) (*rekeyPlan, error) {
	split := correlate.Split(set.Rules, set.Correlations, hostField)
	all, err := correlate.New(set.Rules, set.Correlations)
	if err != nil { // rules.Load set every refused correlation aside
		return nil, fmt.Errorf("detect: correlations: %w", err)
	}
	pl := &rekeyPlan{
		host: split.Host, rekeyed: split.Rekeyed(), groups: split.Groups,
		feeds: map[*sigma.Rule][]int{}, rules: map[string]*sigma.Rule{},
		quiet: map[*sigma.Rule]bool{}, byAlert: map[string]alertGroup{},
	}
	for _, r := range set.Rules {
		pl.quiet[r] = all.Suppressed(r)
	}
	for i, g := range split.Groups {
		for _, r := range g.Rules() {
			pl.feeds[r] = append(pl.feeds[r], i)
			pl.rules[ruleID(&r.Meta)] = r
		}
		for _, c := range g.Correlations {
			pl.byAlert[ruleID(&c.Meta)] = alertGroup{group: g, groupBy: c.GroupBy}
		}
	}
	return pl, nil
}

// active reports whether any correlation is re-keyed: without one, the
// key pass does not run and nothing is published.
func (pl *rekeyPlan) active() bool { return pl != nil && len(pl.groups) > 0 }

// rekeyedAlert reports whether a stored alert is a re-keyed correlation's,
// which the key pass updates and the host pass leaves alone.
func (pl *rekeyPlan) rekeyedAlert(a *alert.Alert) bool {
	if pl == nil {
		return false
	}
	_, ok := pl.byAlert[a.RuleID]
	return ok
}

// alertPartition is the key partition (of n) that updates a re-keyed
// correlation's alert, from the group-by values in its key; ok is false
// when the key does not parse.
func (pl *rekeyPlan) alertPartition(a *alert.Alert, n int) (int, bool) {
	ag, ok := pl.byAlert[a.RuleID]
	if !ok {
		return 0, false
	}
	values, ok := parseGroupKey(a.Key, ag.groupBy)
	if !ok {
		return 0, false
	}
	key, ok := ag.group.KeyOf(values)
	if !ok {
		return 0, false
	}
	return bus.PartitionOf(key, n), true
}

// parseGroupKey reads back what groupKey rendered for the entries names:
// "a=x,b=y" in sorted order. A value holding ",b=" reads wrongly, which
// only misplaces that alert's window on a take-over.
func parseGroupKey(key string, names []string) (map[string]string, bool) {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	out := make(map[string]string, len(sorted))
	rest := key
	for i, name := range sorted {
		v, ok := strings.CutPrefix(rest, name+"=")
		if !ok {
			return nil, false
		}
		if i == len(sorted)-1 {
			out[name] = v
			break
		}
		end := strings.Index(v, ","+sorted[i+1]+"=")
		if end < 0 {
			return nil, false
		}
		out[name], rest = v[:end], v[end+1:]
	}
	return out, len(out) == len(sorted)
}

// collect adds the key stream's messages for one matched event of host
// partition p at stream sequence seq to out: one per re-keyed group and
// key, carrying the rules of the group it matched and the event's stored
// bytes. Its id, from (p, seq, the message's first rule), is the same
// when the batch is processed again after a crash, so that the stream
// keeps one copy.
func (pl *rekeyPlan) collect(out []bus.Keyed, p int, seq uint64, ev *event.Event, matched []*sigma.Rule, data []byte) []bus.Keyed {
	type dest struct {
		group int
		key   string
	}
	var dests []dest
	var rules [][]string
	for _, r := range matched {
		for _, gi := range pl.feeds[r] {
			key, ok := pl.groups[gi].Key(r, ev)
			if !ok {
				continue // every correlation it feeds leaves the event out
			}
			k := -1
			for i, d := range dests {
				if d == (dest{gi, key}) {
					k = i
				}
			}
			if k < 0 {
				k = len(dests)
				dests, rules = append(dests, dest{gi, key}), append(rules, nil)
			}
			rules[k] = append(rules[k], ruleID(&r.Meta))
		}
	}
	for k, d := range dests {
		out = append(out, bus.Keyed{
			Key:  d.key,
			ID:   rekeyMsgID(p, seq, rules[k][0]),
			Data: appendRekeyMsg(nil, p, seq, rules[k], data),
		})
	}
	return out
}

// rekeyMsgID is a key stream message's id: its origin and first rule.
func rekeyMsgID(p int, seq uint64, rule string) string {
	h := fnv.New64a()
	h.Write([]byte(rule))
	return strconv.Itoa(p) + "." + strconv.FormatUint(seq, 10) + "." + strconv.FormatUint(h.Sum64(), 36)
}

// publish sends the batch's key stream messages and waits until the
// stream has stored them all: the host pass commits only then, so that
// a batch whose messages are not all stored is processed again.
func publishRekeyed(keyBus *bus.Bus, p int, out []bus.Keyed) error {
	if len(out) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := keyBus.Publish(ctx, out); err != nil {
		return fmt.Errorf("detect: partition %d: publish %d matches to the key pass: %w", p, len(out), err)
	}
	return nil
}

// The key stream's message: a version byte, the origin partition and
// sequence, the rules matched (a count, then each as length and bytes),
// then the event in event.Event's binary encoding.
const rekeyMsgVersion = 1

// rekeyMsg is a decoded key stream message. Its event aliases the
// message's bytes.
type rekeyMsg struct {
	origin int
	seq    uint64
	rules  []string
	event  []byte
}

func appendRekeyMsg(b []byte, p int, seq uint64, rules []string, ev []byte) []byte {
	b = append(b, rekeyMsgVersion)
	b = binary.AppendUvarint(b, uint64(p))
	b = binary.AppendUvarint(b, seq)
	b = binary.AppendUvarint(b, uint64(len(rules)))
	for _, r := range rules {
		b = binary.AppendUvarint(b, uint64(len(r)))
		b = append(b, r...)
	}
	return append(b, ev...)
}

// decodeRekeyMsg reads a key stream message; an error names the byte
// offset where it fails.
func decodeRekeyMsg(b []byte, m *rekeyMsg) error {
	off := 0
	uv := func(what string) (uint64, error) {
		v, n := binary.Uvarint(b[off:])
		if n <= 0 {
			return 0, fmt.Errorf("byte offset %d: %s is not a varint", off, what)
		}
		off += n
		return v, nil
	}
	if len(b) == 0 || b[0] != rekeyMsgVersion {
		return fmt.Errorf("byte offset 0: not a version %d key pass message", rekeyMsgVersion)
	}
	off = 1
	origin, err := uv("origin partition")
	if err != nil {
		return err
	}
	if origin > 1<<20 {
		return fmt.Errorf("byte offset 1: origin partition %d is out of range", origin)
	}
	if m.seq, err = uv("origin sequence"); err != nil {
		return err
	}
	n, err := uv("rule count")
	if err != nil {
		return err
	}
	if n == 0 || n > uint64(len(b)-off) {
		return fmt.Errorf("byte offset %d: %d rules in %d bytes", off, n, len(b)-off)
	}
	m.origin, m.rules = int(origin), m.rules[:0]
	for range n {
		at := off
		l, err := uv("rule length")
		if err != nil {
			return err
		}
		if l > uint64(len(b)-off) {
			return fmt.Errorf("byte offset %d: rule of %d bytes past the end", at, l)
		}
		m.rules = append(m.rules, string(b[off:off+int(l)]))
		off += int(l)
	}
	m.event = b[off:]
	return nil
}
