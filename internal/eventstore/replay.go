package eventstore

import (
	"context"
)

// Replayer is implemented by a store that hands back the records it holds
// in log order, for a consumer that rebuilds its state from them at start
// (the live privacy analysis). Search answers people with the newest page
// of matches; Replay answers a program that needs every match, oldest
// record first.
type Replayer interface {
	// Replay calls fn for every record held with from <= Seq <= to that
	// matches q's expression and time range (q's Limit and Buckets are
	// ignored), in Seq order, and returns fn's first error or ctx's.
	// data is valid during the call only. Records appended while Replay
	// runs may or may not be included; records that retention deletes
	// while it runs are left out.
	Replay(ctx context.Context, q Query, from, to uint64, fn func(seq uint64, data []byte) error) error
}

var _ Replayer = (*Local)(nil)

// replayCheckEvery is how many records Replay reads between looks at its
// context.
const replayCheckEvery = 4096

// Replay implements Replayer. It reads the segments oldest first, skipping
// those whose sequence range, time range or index rule them out, and
// within a segment decodes only the records whose bytes hold the query's
// literals, as Search does.
func (l *Local) Replay(ctx context.Context, q Query, from, to uint64, fn func(seq uint64, data []byte) error) error {
	q, err := q.normalize()
	if err != nil {
		return err
	}
	n := compileExpr(q.Expr)
	targets, err := l.snapshot(n)
	if err != nil {
		return err
	}
	s := newSearch(ctx, q, n)
	read := 0
	each := func(seq uint64, data []byte, _ int64) error {
		if read++; read%replayCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if seq < from || seq > to {
			return nil
		}
		if _, ok := s.keep(data); !ok {
			return nil
		}
		return fn(seq, data)
	}
	for _, t := range targets {
		if t.sum.count == 0 || t.sum.last < from || t.sum.first > to {
			continue
		}
		if err := s.scanTarget(t, each); err != nil {
			return err
		}
	}
	return nil
}
