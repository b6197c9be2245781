package detect

import (
	"maps"
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// Sources are the Sigma log sources an event belongs to: one product and
// any number of categories and services. A Sysmon event 13 is product
// windows, service sysmon, categories registry_event and registry_set.
//
// The slices of a Windows event's Sources are shared tables: read them,
// never change them.
type Sources struct {
	Product    string
	Categories []string
	Services   []string
}

// Matches reports whether a rule with log source ls applies to an event
// with these sources: every part the rule sets (product, category,
// service) is among the event's. Case is ignored.
func (s Sources) Matches(ls sigma.LogSource) bool {
	return (ls.Product == "" || strings.EqualFold(ls.Product, s.Product)) &&
		(ls.Category == "" || containsFold(s.Categories, ls.Category)) &&
		(ls.Service == "" || containsFold(s.Services, ls.Service))
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Classify returns the log sources of ev. An event that declares its log
// source (ev.LogSource has a part set, as non-Windows inputs do) belongs to
// exactly what it declares. Otherwise an event with a Channel or
// Provider_Name is a Windows event, classified by the taxonomy table from
// Channel, Provider_Name and EventID; an event that declares only product
// windows is classified the same way. Any other event has no log source,
// and only rules with an empty logsource apply to it.
func Classify(ev *event.Event) Sources {
	if declared(ev) {
		ls := ev.LogSource
		return Sources{Product: ls.Product, Categories: nonEmpty(ls.Category), Services: nonEmpty(ls.Service)}
	}
	return classes[windowsClass(ev)].src
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// declared reports whether ev's log source is what its input declared,
// rather than derived from its Windows fields.
func declared(ev *event.Event) bool {
	ls := ev.LogSource
	if ls == (event.LogSource{}) {
		return false
	}
	if ls.Category == "" && ls.Service == "" && strings.EqualFold(ls.Product, "windows") {
		return !ev.Has(event.Channel) && !ev.Has(event.Provider)
	}
	return true
}

// class is one distinct set of Windows log sources, with the aliases its
// events get (see aliases.go).
type class struct {
	src     Sources
	aliases func(ev *event.Event)
}

// Class ids with a fixed meaning.
const (
	classNone    = 0 // no log source at all
	classWindows = 1 // a Windows event from a channel the table does not list
)

// noEventID stands for a missing or malformed EventID.
const noEventID = ^uint32(0)

// eventTable gives the class of each event id of one channel or provider.
type eventTable struct {
	any     int32            // for event ids without an entry
	byEvent map[uint32]int32 // class by event id
}

func (t *eventTable) class(id uint32) int32 {
	if c, ok := t.byEvent[id]; ok {
		return c
	}
	return t.any
}

// The classification tables, built once from taxonomy.go. Channel and
// provider names are keyed both as spelled and lower-cased.
var (
	classes   []class
	channels  = map[string]*eventTable{}
	providers = map[string]*eventTable{}
)

func init() { buildTables() }

// windowsClass returns ev's class id from its Channel, Provider_Name and
// EventID: two small map look-ups.
func windowsClass(ev *event.Event) int32 {
	ch, hasCh := ev.Get(event.Channel)
	prov, hasProv := ev.Get(event.Provider)
	if !hasCh && !hasProv {
		return classNone
	}
	id := eventID(ev)
	if t := lookup(channels, ch); t != nil {
		return t.class(id)
	}
	if t := lookup(providers, prov); t != nil {
		return t.class(id)
	}
	return classWindows
}

// lookup finds name in m as spelled, then case-folded (Windows channel
// names are case-insensitive), without allocating for usual lengths.
func lookup(m map[string]*eventTable, name string) *eventTable {
	if t, ok := m[name]; ok || name == "" {
		return t
	}
	var buf [128]byte
	if len(name) > len(buf) {
		return m[strings.ToLower(name)]
	}
	b := buf[:len(name)]
	changed := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
			changed = true
		}
		b[i] = c
	}
	if !changed {
		return nil
	}
	return m[string(b)]
}

// eventID parses the EventID field, a decimal number.
func eventID(ev *event.Event) uint32 {
	s, ok := ev.Get(event.EventID)
	if !ok || s == "" || len(s) > 10 {
		return noEventID
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return noEventID
		}
		n = n*10 + uint64(c-'0')
	}
	if n >= uint64(noEventID) {
		return noEventID
	}
	return uint32(n)
}

// tableBuilder interns classes by content while the tables are built.
type tableBuilder struct {
	ids map[string]int32
}

func buildTables() {
	b := &tableBuilder{ids: map[string]int32{}}
	b.intern(Sources{}, nil, "")
	b.intern(Sources{Product: "windows"}, nil, "")

	services := map[string][]string{} // channel -> services
	var chanOrder []string
	for _, s := range windowsServices {
		for _, ch := range s.channels {
			if _, ok := services[ch]; !ok {
				chanOrder = append(chanOrder, ch)
			}
			services[ch] = append(services[ch], s.service)
		}
	}
	cats := map[string]map[uint32][]string{} // channel -> event id -> categories
	for _, c := range windowsCategories {
		for _, ch := range c.channels {
			if _, ok := services[ch]; !ok {
				services[ch] = nil
				chanOrder = append(chanOrder, ch)
			}
			if cats[ch] == nil {
				cats[ch] = map[uint32][]string{}
			}
			for _, id := range c.events {
				cats[ch][id] = append(cats[ch][id], c.category)
			}
		}
	}
	for _, ch := range chanOrder {
		t := &eventTable{byEvent: map[uint32]int32{}}
		name, fn := aliasesFor(ch, noEventID)
		t.any = b.intern(Sources{Product: "windows", Services: services[ch]}, fn, name)
		for _, id := range slices.Sorted(maps.Keys(cats[ch])) {
			cs := cats[ch][id]
			src := Sources{Product: "windows", Categories: cs, Services: services[ch]}
			name, fn := aliasesFor(ch, id)
			t.byEvent[id] = b.intern(src, fn, name)
		}
		channels[ch] = t
		channels[strings.ToLower(ch)] = t
	}
	b.buildProviders()
}

func (b *tableBuilder) buildProviders() {
	for _, p := range providerCategories {
		t := providers[p.provider]
		if t == nil {
			t = &eventTable{any: classWindows, byEvent: map[uint32]int32{}}
			providers[p.provider] = t
			providers[strings.ToLower(p.provider)] = t
		}
		if p.events == nil {
			t.any = b.extend(t.any, p.category)
			for id, c := range t.byEvent {
				t.byEvent[id] = b.extend(c, p.category)
			}
			continue
		}
		for _, id := range p.events {
			c, ok := t.byEvent[id]
			if !ok {
				c = t.any
			}
			t.byEvent[id] = b.extend(c, p.category)
		}
	}
}

// extend returns the class of c's sources plus one more category.
func (b *tableBuilder) extend(c int32, category string) int32 {
	src := classes[c].src
	src.Product = "windows"
	src.Categories = append(slices.Clip(src.Categories), category)
	return b.intern(src, classes[c].aliases, "")
}

// intern returns the id of the class with these sources and aliases,
// adding it when new.
func (b *tableBuilder) intern(src Sources, aliases func(*event.Event), aliasName string) int32 {
	key := src.Product + "|" + strings.Join(sorted(src.Categories), ",") + "|" +
		strings.Join(sorted(src.Services), ",") + "|" + aliasName
	if id, ok := b.ids[key]; ok {
		return id
	}
	id := int32(len(classes))
	src.Categories = slices.Clip(src.Categories)
	src.Services = slices.Clip(src.Services)
	classes = append(classes, class{src: src, aliases: aliases})
	b.ids[key] = id
	return id
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
