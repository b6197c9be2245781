package detect

import (
	"maps"
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

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

// tableBuilder interns classes by content while the tables are built.
type tableBuilder struct {
	ids map[string]int32
}

// buildTables derives the classes and the channel and provider look-up
// tables from taxonomy.go: one class per channel for its unlisted events,
// one per (channel, EventID) with categories, deduplicated by content.
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
