package eventstore

import "context"

// Scan is one Search over records that a Store outside this package reads
// itself (PostgreSQL): it applies the query, time range, order, limit and
// histogram exactly as Local does, so that both answer alike. The caller
// may hand it a superset of the candidates (see Required); Scan filters.
type Scan struct{ s *search }

// NewScan checks q, applies its defaults and parses its Text.
func NewScan(ctx context.Context, q Query) (*Scan, error) {
	q, err := q.normalize()
	if err != nil {
		return nil, err
	}
	return &Scan{newSearch(ctx, q, compileExpr(q.Expr))}, nil
}

// Query is the query after defaults (Limit) and parsing (Expr).
func (s *Scan) Query() Query { return s.s.q }

// Record looks at one record, counting it as scanned. It does not keep
// data after it returns unless the record is among the hits.
func (s *Scan) Record(seq uint64, data []byte) error { return s.s.record(seq, data, 0) }

// Result is the answer over the records seen.
func (s *Scan) Result() *Result { return s.s.result() }

// Requirement is a condition that every event matching a query meets, for
// a store to select candidates with its own indexes before Scan decides.
// Values and names are lower-cased as the matcher compares them.
type Requirement struct {
	// Field is the field the condition is on; "" for any value (the
	// metadata included).
	Field string
	// Special is set when Field is host, source, product, category or
	// service: the event's metadata (host: its Host, else its Computer
	// field), not a field of that name.
	Special bool
	// Equals, when Exact, is a value Field holds.
	Equals string
	Exact  bool
	// Contains are literal pieces that one value (of Field, if set) holds.
	Contains []string
}

// Required returns conditions that every match meets: those of the terms
// ANDed at the top of the query. Terms under OR or NOT add none.
func (s *Scan) Required() []Requirement { return required(s.s.n) }

func required(n node) []Requirement {
	switch n := n.(type) {
	case andNode:
		var out []Requirement
		for _, k := range n {
			out = append(out, required(k)...)
		}
		return out
	case *termNode:
		return []Requirement{n.requirement()}
	}
	return nil
}

func (t *term) requirement() Requirement {
	r := Requirement{Field: t.field, Special: specialFields[t.field]}
	if t.field != "" && t.op != opEq {
		return r // a number: only that the field is there
	}
	if t.field != "" && len(t.parts) == 1 {
		r.Equals, r.Exact = t.parts[0], true
		return r
	}
	for _, p := range t.parts {
		if p != "" {
			r.Contains = append(r.Contains, p)
		}
	}
	return r
}
