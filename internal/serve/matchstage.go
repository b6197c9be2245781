package serve

import (
	"context"
	"runtime"
	"sync"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// The detector decodes and matches records on every core, in batches, and
// then derives alerts and correlations from them one at a time in log
// order (the deduper and the correlation engine are sequential by nature).
// Batches are recycled, so a record's decoded event lives until the
// sequential step has finished with it, and nothing is copied.
const (
	matchBatchSize = 256
	// batchesPerWorker bounds the records in flight between the log and
	// the sequential step.
	batchesPerWorker = 3
)

// matchBatch is a run of consecutive log records and what the parallel
// stage found in each.
type matchBatch struct {
	recs  []walRec
	evs   []event.Event   // decoded, one per record
	bad   []error         // why a record did not decode, or nil
	rules [][]*sigma.Rule // the rules each record matched
	ents  [][]alert.Entity
	done  chan struct{} // closed once every record is matched
}

func newMatchBatch() *matchBatch {
	return &matchBatch{
		recs: make([]walRec, 0, matchBatchSize), evs: make([]event.Event, matchBatchSize),
		bad: make([]error, matchBatchSize), rules: make([][]*sigma.Rule, matchBatchSize),
		ents: make([][]alert.Entity, matchBatchSize),
	}
}

// matchStage turns the log's records into matched batches, in order.
type matchStage struct {
	matcher *detect.Matcher
	workers int
	free    chan *matchBatch // batches ready to be filled: bounds memory
	work    chan *matchBatch
	ordered chan *matchBatch // the same batches, in log order
}

func newMatchStage(m *detect.Matcher) *matchStage {
	n := runtime.GOMAXPROCS(0)
	st := &matchStage{
		matcher: m, workers: n,
		free:    make(chan *matchBatch, n*batchesPerWorker),
		work:    make(chan *matchBatch, n*batchesPerWorker),
		ordered: make(chan *matchBatch, n*batchesPerWorker),
	}
	for range cap(st.free) {
		st.free <- newMatchBatch()
	}
	return st
}

// run batches recs until it is closed (or ctx ends), matching on every
// core, and closes ordered once all it sent are matched.
func (st *matchStage) run(ctx context.Context, recs <-chan walRec) {
	var wg sync.WaitGroup
	for range st.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.match()
		}()
	}
	defer func() {
		close(st.work)
		wg.Wait()
		close(st.ordered)
	}()
	for {
		r, ok := <-recs
		if !ok {
			return
		}
		var b *matchBatch
		select {
		case b = <-st.free:
		case <-ctx.Done():
			return
		}
		b.recs = append(b.recs[:0], r)
	fill: // take what has already arrived, without waiting for more
		for len(b.recs) < matchBatchSize {
			select {
			case r, ok := <-recs:
				if !ok {
					break fill
				}
				b.recs = append(b.recs, r)
			default:
				break fill
			}
		}
		b.done = make(chan struct{})
		st.work <- b
		st.ordered <- b
	}
}

// match is one worker: it decodes and matches whole batches.
func (st *matchStage) match() {
	scratch := st.matcher.NewScratch()
	for b := range st.work {
		b.match(st.matcher, scratch)
		close(b.done)
	}
}

// match decodes and matches every record of b with scratch, which the
// caller owns: the one step every detector runs on each event.
func (b *matchBatch) match(m *detect.Matcher, scratch *detect.Scratch) {
	for i, r := range b.recs {
		ev := &b.evs[i]
		b.rules[i], b.ents[i], b.bad[i] = b.rules[i][:0], nil, nil
		if err := ev.UnmarshalBinary(r.data); err != nil {
			b.bad[i] = err
			continue
		}
		b.rules[i] = m.Match(ev, scratch, b.rules[i])
		b.ents[i] = related(ev, nil)
	}
}

// recycle hands a batch the sequential step has finished back for reuse.
func (st *matchStage) recycle(b *matchBatch) {
	clear(b.recs) // let the records' bytes go
	b.recs = b.recs[:0]
	st.free <- b
}
