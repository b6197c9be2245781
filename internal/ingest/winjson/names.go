package winjson

import "github.com/vigilhealth/vigil/internal/event"

// maxNames bounds each name cache's map; hostile input with endless
// distinct keys then costs time, not memory.
const maxNames = 8192

// nameCache maps the names a decoder meets to field IDs. A small
// direct-mapped table keyed by a cheap hash (length and three bytes)
// answers the common case, the few dozen names of a log source, faster
// than a map; the map behind it catches the rest.
type nameCache struct {
	slots [256]nameSlot
	m     map[string]nameSlot // holds its key too, so a slot refills without allocating
}

type nameSlot struct {
	key string
	id  event.FieldID
}

func slotOf(name []byte) int {
	n := len(name)
	if n == 0 {
		return 0
	}
	h := n*31 ^ int(name[0])<<3 ^ int(name[n/2])<<1 ^ int(name[n-1])
	return h & 255
}

// get returns the ID cached for name.
func (c *nameCache) get(name []byte) (event.FieldID, bool) {
	sl := &c.slots[slotOf(name)]
	if sl.id != 0 && sl.key == string(name) {
		return sl.id, true
	}
	ns, ok := c.m[string(name)]
	if ok {
		*sl = ns
	}
	return ns.id, ok
}

// put caches id for name.
func (c *nameCache) put(name []byte, id event.FieldID) {
	if c.m == nil || len(c.m) >= maxNames {
		c.m = make(map[string]nameSlot)
	}
	ns := nameSlot{key: string(name), id: id}
	c.m[ns.key] = ns
	c.slots[slotOf(name)] = ns
}

// maxStrings bounds a stringCache.
const maxStrings = 64

// stringCache hands out one string per distinct short value, for values
// that repeat across events and must outlive them (log source names): a
// value is allocated once, not per event. Past maxStrings distinct values
// it allocates each new one.
type stringCache struct {
	m map[string]string
}

// get returns v as a string.
func (c *stringCache) get(v []byte) string {
	if s, ok := c.m[string(v)]; ok {
		return s
	}
	s := string(v)
	if len(c.m) < maxStrings {
		if c.m == nil {
			c.m = make(map[string]string)
		}
		c.m[s] = s
	}
	return s
}
