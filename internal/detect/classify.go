package detect

import (
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
