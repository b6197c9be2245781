package hunt

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/files"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// Options shape one hunt.
type Options struct {
	From, To time.Time // events outside [From, To) are not evaluated; zero means open
	MinLevel Level     // detections below it are not reported
	Workers  int       // rule evaluation goroutines; 0 means one per CPU
	Progress *Progress // optional live counters for a progress display
}

// Progress is updated while a hunt runs; read it from another goroutine.
type Progress struct {
	FilesTotal atomic.Int64
	FilesDone  atomic.Int64
	BytesTotal atomic.Int64
	Events     atomic.Int64
	Detections atomic.Int64
}

const batchSize = 256

type batch struct {
	events []event.Event
	n      int
}

// baseMatch is an event that matched rules a correlation needs, kept until
// all input is read so that correlations run in event-time order.
type baseMatch struct {
	rules []*sigma.Rule
	ev    *event.Event
}

// Run hunts over the files and folders in paths and calls out for every
// detection, from one goroutine. Detections of single events stream out as
// they are found (in no fixed order across workers); correlation results
// follow once all input is read. Unreadable files and broken records are
// counted in the summary, not fatal.
func Run(ctx context.Context, paths []string, eng *Engine, opts Options, out func(*Detection) error) (*Summary, error) {
	start := time.Now()
	inputs, err := listInputs(paths)
	if err != nil {
		return nil, err
	}
	prog := opts.Progress
	if prog == nil {
		prog = &Progress{}
	}
	prog.FilesTotal.Store(int64(len(inputs)))
	for _, in := range inputs {
		prog.BytesTotal.Add(in.size)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := &run{eng: eng, opts: opts, prog: prog, sum: newSummary()}
	r.pool.New = func() any { return &batch{events: make([]event.Event, batchSize)} }

	g, ctx := errgroup.WithContext(ctx)
	batches := make(chan *batch, 2*workers)
	found := make(chan *Detection, 1024)
	g.Go(func() error {
		defer close(batches)
		return r.readAll(ctx, inputs, batches, min(workers, len(inputs)))
	})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			return r.evaluate(ctx, batches, found)
		})
	}
	go func() { wg.Wait(); close(found) }()
	g.Go(func() error {
		for d := range found {
			if err := r.emit(d, out); err != nil {
				return err
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := r.correlate(out); err != nil {
		return nil, err
	}
	r.sum.Elapsed = time.Since(start)
	r.sum.finish()
	return r.sum, nil
}

type run struct {
	eng  *Engine
	opts Options
	prog *Progress
	pool sync.Pool

	mu   sync.Mutex // guards sum (outside emit, which is single-goroutine) and kept
	sum  *Summary
	kept []baseMatch
}

type input struct {
	path string
	size int64
}

func listInputs(paths []string) ([]input, error) {
	var ins []input
	err := files.Walk(paths, func(path string, size int64) error {
		ins = append(ins, input{path, size})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, errors.New("no input files found")
	}
	return ins, nil
}

// readAll reads the inputs with up to n files open at once, sending full
// batches of events to out.
func (r *run) readAll(ctx context.Context, inputs []input, out chan<- *batch, n int) error {
	next := make(chan input)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(next)
		for _, in := range inputs {
			select {
			case next <- in:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for range max(n, 1) {
		g.Go(func() error {
			for in := range next {
				if err := r.readFile(ctx, in, out); err != nil {
					return err
				}
				r.prog.FilesDone.Add(1)
			}
			return nil
		})
	}
	return g.Wait()
}

func (r *run) readFile(ctx context.Context, in input, out chan<- *batch) error {
	rd, err := files.Open(in.path)
	if err != nil {
		r.mu.Lock()
		r.sum.addUnreadable(in.path, err)
		r.mu.Unlock()
		return nil
	}
	defer rd.Close()
	var ev event.Event
	b := r.pool.Get().(*batch)
	var read, outside int64
	for {
		err := rd.Next(&ev)
		if err == io.EOF {
			break
		}
		if err != nil {
			r.mu.Lock()
			r.sum.addUnreadable(in.path, err)
			r.mu.Unlock()
			break
		}
		read++
		r.prog.Events.Add(1)
		if !r.inRange(ev.Time) {
			outside++
			continue
		}
		b.events[b.n].CopyFrom(&ev)
		b.n++
		if b.n == batchSize {
			select {
			case out <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
			b = r.pool.Get().(*batch)
		}
	}
	if b.n > 0 {
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	} else {
		r.pool.Put(b)
	}
	r.mu.Lock()
	r.sum.addFile(in.path, read, outside, rd.Stats())
	r.mu.Unlock()
	return nil
}

func (r *run) inRange(t time.Time) bool {
	if !r.opts.From.IsZero() && t.Before(r.opts.From) {
		return false
	}
	if !r.opts.To.IsZero() && !t.Before(r.opts.To) {
		return false
	}
	return true
}

func (r *run) evaluate(ctx context.Context, in <-chan *batch, out chan<- *Detection) error {
	scratch := r.eng.matcher.NewScratch()
	var matched []*sigma.Rule
	for b := range in {
		for i := range b.n {
			ev := &b.events[i]
			matched = r.eng.matcher.Match(ev, scratch, matched[:0])
			r.keep(ev, matched)
			for _, rule := range matched {
				if r.eng.quiet[rule] || levelOf(rule.Level) < r.opts.MinLevel {
					continue
				}
				select {
				case out <- ruleDetection(rule, ev):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		b.n = 0
		r.pool.Put(b)
	}
	return nil
}

// keep remembers ev for the correlations if any of its rules feeds one.
func (r *run) keep(ev *event.Event, matched []*sigma.Rule) {
	var needed []*sigma.Rule
	for _, rule := range matched {
		if r.eng.needed[rule] {
			needed = append(needed, rule)
		}
	}
	if len(needed) == 0 {
		return
	}
	r.mu.Lock()
	r.kept = append(r.kept, baseMatch{needed, ev.Clone()})
	r.mu.Unlock()
}

// ruleDetection copies what it takes from ev: the event's strings live in a
// batch that is reused once evaluated.
func ruleDetection(rule *sigma.Rule, ev *event.Event) *Detection {
	return &Detection{
		RuleID:    rule.ID,
		RuleTitle: rule.Title,
		Level:     rule.Level,
		Tags:      rule.Tags,
		Timestamp: ev.Time.UTC(),
		Source:    ev.Source,
		Record:    ev.Record,
		Computer:  strings.Clone(ev.Host),
		Event:     ev.Map(),
	}
}

// emit runs on one goroutine only.
func (r *run) emit(d *Detection, out func(*Detection) error) error {
	r.sum.addDetection(d)
	r.prog.Detections.Add(1)
	if err := out(d); err != nil {
		return fmt.Errorf("write detection: %w", err)
	}
	return nil
}

// correlate replays the kept matches in event-time order through the
// correlation rules and emits their results.
func (r *run) correlate(out func(*Detection) error) error {
	if len(r.eng.set.Correlations) == 0 {
		return nil
	}
	slices.SortStableFunc(r.kept, func(a, b baseMatch) int {
		if c := a.ev.Time.Compare(b.ev.Time); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ev.Source, b.ev.Source); c != 0 {
			return c
		}
		return cmp.Compare(a.ev.Record, b.ev.Record)
	})
	c := r.eng.newCorrelator()
	for _, m := range r.kept {
		for _, res := range c.ObserveAll(m.ev, m.rules) {
			if err := r.emitCorrelation(res, out); err != nil {
				return err
			}
		}
	}
	for _, res := range c.Flush() {
		if err := r.emitCorrelation(res, out); err != nil {
			return err
		}
	}
	r.kept = nil
	return nil
}
