package correlate

import "github.com/vigilhealth/vigil/internal/sigma"

// condition is a copy of a correlation's Range, with the implicit "all
// rules" condition of a temporal correlation that sets no bound.
type condition struct {
	gt, gte, lt, lte, eq, neq                   float64
	hasGT, hasGTE, hasLT, hasLTE, hasEQ, hasNEQ bool
}

// newCondition copies r; when r sets no bound and all > 0 it requires a value
// of at least all.
func newCondition(r sigma.Range, all int) condition {
	var c condition
	set := func(p *float64, v *float64, has *bool) {
		if p != nil {
			*v, *has = *p, true
		}
	}
	set(r.GT, &c.gt, &c.hasGT)
	set(r.GTE, &c.gte, &c.hasGTE)
	set(r.LT, &c.lt, &c.hasLT)
	set(r.LTE, &c.lte, &c.hasLTE)
	set(r.EQ, &c.eq, &c.hasEQ)
	set(r.NEQ, &c.neq, &c.hasNEQ)
	if c.empty() && all > 0 {
		c.gte, c.hasGTE = float64(all), true
	}
	return c
}

func (c *condition) empty() bool {
	return !c.hasGT && !c.hasGTE && !c.hasLT && !c.hasLTE && !c.hasEQ && !c.hasNEQ
}

// holds reports whether v meets every bound.
func (c *condition) holds(v float64) bool {
	switch {
	case c.hasGT && !(v > c.gt),
		c.hasGTE && !(v >= c.gte),
		c.hasLT && !(v < c.lt),
		c.hasLTE && !(v <= c.lte),
		c.hasEQ && !(v == c.eq),
		c.hasNEQ && !(v != c.neq):
		return false
	}
	return true
}

// lowerOnly reports whether the condition sets no bound that a larger value
// could break, so that a value that only grows can be decided early.
func (c *condition) lowerOnly() bool {
	return !c.hasLT && !c.hasLTE && !c.hasEQ && !c.hasNEQ
}

// beyond reports whether v, and so any larger value, breaks an upper bound.
func (c *condition) beyond(v float64) bool {
	return (c.hasLT && v >= c.lt) || (c.hasLTE && v > c.lte) || (c.hasEQ && v > c.eq)
}
