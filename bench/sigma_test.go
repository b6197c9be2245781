package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	peer "github.com/bradleyjkemp/sigma-go"
	peereval "github.com/bradleyjkemp/sigma-go/evaluator"

	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/evtx"
	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// corpus is the Sigma benchmark's input: every SigmaHQ rule, and every
// record of the EVTX attack samples, loaded once.
type corpus struct {
	ruleFiles []string
	vigil     *detect.Matcher
	events    []*event.Event
	maps      []map[string]any // the same events as the peer takes them
	// peerRules holds, per log-source class of event, the peer evaluators
	// whose logsource fits: the peer has no log-source index of its own, so
	// the benchmark gives it this one for free.
	peerRules  map[string][]*peereval.RuleEvaluator
	peerAll    []*peereval.RuleEvaluator
	peerLoaded int
}

var (
	corpusOnce sync.Once
	theCorpus  *corpus
	corpusErr  error
)

func loadCorpus(tb testing.TB) *corpus {
	tb.Helper()
	corpusOnce.Do(func() { theCorpus, corpusErr = buildCorpus() })
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return theCorpus
}

func buildCorpus() (*corpus, error) {
	shared, err := sharedtest.Find()
	if err != nil {
		return nil, fmt.Errorf("shared test data is missing: %w", err)
	}
	c := &corpus{peerRules: map[string][]*peereval.RuleEvaluator{}}
	var dirs []string
	for _, d := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting"} {
		dirs = append(dirs, filepath.Join(shared, "sigma", d))
	}
	set := sigma.Load(dirs, sigma.Options{})
	c.vigil = detect.NewMatcher(set.Rules)
	if c.events, err = readEVTXDir(filepath.Join(shared, "evtx-attack-samples")); err != nil {
		return nil, err
	}
	for _, ev := range c.events {
		c.maps = append(c.maps, flatMap(ev))
	}
	return c, c.loadPeer(dirs)
}

// loadPeer parses the same rule files with the peer and indexes its
// evaluators by the log-source classes present in the events.
func (c *corpus) loadPeer(dirs []string) error {
	type peerRule struct {
		ls   sigma.LogSource
		eval *peereval.RuleEvaluator
	}
	var rules []peerRule
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(p string, de os.DirEntry, err error) error {
			if err != nil || de.IsDir() || !strings.HasSuffix(p, ".yml") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			r, err := peer.ParseRule(data)
			if err != nil || len(r.Detection.Searches) == 0 {
				return nil // the peer cannot read it (correlations, filters, newer syntax)
			}
			ls := sigma.LogSource{Product: r.Logsource.Product, Category: r.Logsource.Category, Service: r.Logsource.Service}
			rules = append(rules, peerRule{ls, peereval.ForRule(r)})
			c.peerAll = append(c.peerAll, rules[len(rules)-1].eval)
			return nil
		})
		if err != nil {
			return err
		}
	}
	c.peerLoaded = len(rules)
	for _, ev := range c.events {
		key := classKey(ev)
		if _, ok := c.peerRules[key]; ok {
			continue
		}
		src := detect.Classify(ev)
		list := []*peereval.RuleEvaluator{}
		for _, r := range rules {
			if src.Matches(r.ls) {
				list = append(list, r.eval)
			}
		}
		c.peerRules[key] = list
	}
	return nil
}

func classKey(ev *event.Event) string {
	ch, _ := ev.Get(event.Channel)
	id, _ := ev.Get(event.EventID)
	pr, _ := ev.Get(event.Provider)
	return ch + "\x00" + id + "\x00" + pr
}

func readEVTXDir(root string) ([]*event.Event, error) {
	var evs []*event.Event
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(strings.ToLower(p), ".evtx") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		r, err := evtx.NewReader(f, p)
		if err != nil {
			return nil // not every sample is intact; the EVTX tests cover that
		}
		var ev event.Event
		for {
			err := r.Next(&ev)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			evs = append(evs, ev.Clone())
		}
	})
	if len(evs) == 0 && err == nil {
		err = fmt.Errorf("no EVTX records under %s", root)
	}
	return evs, err
}

func flatMap(ev *event.Event) map[string]any {
	m := map[string]any{}
	for k, v := range ev.Map() {
		m[k] = v
	}
	return m
}

// vigilRun evaluates every rule on events[i mod n] for i in [lo, hi). Each
// event is first copied into a fresh Event, as the hunt pipeline does, so
// that nothing computed for it in an earlier round (lower-cased values,
// aliases) is reused, and so that goroutines never share an event.
func (c *corpus) vigilRun(w *vigilWorker, lo, hi int) int {
	n := 0
	for i := lo; i < hi; i++ {
		w.ev.CopyFrom(c.events[i%len(c.events)])
		w.dst = c.vigil.Match(&w.ev, w.s, w.dst[:0])
		n += len(w.dst)
	}
	return n
}

// vigilWorker is one goroutine's reusable state.
type vigilWorker struct {
	s   *detect.Scratch
	ev  event.Event
	dst []*sigma.Rule
}

func (c *corpus) newWorker() *vigilWorker { return &vigilWorker{s: c.vigil.NewScratch()} }

// spread maps the i-th of n samples to an event index spread evenly over
// the corpus, so a small sample sees every kind of event, not one file's.
func (c *corpus) spread(i, n int) int {
	return int(int64(i%n) * int64(len(c.events)) / int64(n))
}

func (c *corpus) peerRun(lo, hi, n int) int {
	hits := 0
	ctx := context.Background()
	for i := lo; i < hi; i++ {
		k := c.spread(i, n)
		for _, r := range c.peerRules[classKey(c.events[k])] {
			if res, err := r.Matches(ctx, c.maps[k]); err == nil && res.Match {
				hits++
			}
		}
	}
	return hits
}

// peerRunAll is the peer used as its API offers: every rule on every event.
func (c *corpus) peerRunAll(lo, hi, n int) int {
	hits := 0
	ctx := context.Background()
	for i := lo; i < hi; i++ {
		k := c.spread(i, n)
		for _, r := range c.peerAll {
			if res, err := r.Matches(ctx, c.maps[k]); err == nil && res.Match {
				hits++
			}
		}
	}
	return hits
}

func BenchmarkSigmaVigil(b *testing.B) {
	c := loadCorpus(b)
	benchEvents(b, func() func(i int) {
		w := c.newWorker()
		return func(i int) { c.vigilRun(w, i, i+1) }
	})
}

func BenchmarkSigmaPeer(b *testing.B) {
	c := loadCorpus(b)
	benchEvents(b, func() func(i int) {
		return func(i int) { c.peerRun(i, i+1, len(c.events)) }
	})
}

// benchEvents runs one event per iteration on every core; perWorker makes
// each goroutine's function, with its own state.
func benchEvents(b *testing.B, perWorker func() func(i int)) {
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Int64
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		run := perWorker()
		for pb.Next() {
			run(int(next.Add(1)))
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// parallelRate runs fn over [0, total) split across workers goroutines and
// returns items per second.
func parallelRate(workers, total int, fn func(lo, hi int)) float64 {
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w*total/workers, (w+1)*total/workers)
		}()
	}
	wg.Wait()
	return float64(total) / time.Since(start).Seconds()
}

// TestSigmaTable prints Vigil and the peer side by side on the same rules
// and events, in one run, on every core: go test -run TestSigmaTable -v
func TestSigmaTable(t *testing.T) {
	c := loadCorpus(t)
	workers := runtime.GOMAXPROCS(0)
	vigilEvents := 20 * len(c.events)
	peerEvents := min(len(c.events), 400*workers)
	if testing.Short() {
		vigilEvents, peerEvents = len(c.events), 20*workers
	}
	vigil := parallelRate(workers, vigilEvents, func(lo, hi int) { c.vigilRun(c.newWorker(), lo, hi) })
	allEvents := max(peerEvents/8, workers)
	peerRate := parallelRate(workers, peerEvents, func(lo, hi int) { c.peerRun(lo, hi, peerEvents) })
	peerAllRate := parallelRate(workers, allEvents, func(lo, hi int) { c.peerRunAll(lo, hi, allEvents) })
	// Agreement on the peer's sample: the peer lacks parts of Sigma 2
	// (several modifiers, filters, correlations), so it finds fewer.
	vHits, pHits := 0, c.peerRun(0, peerEvents, peerEvents)
	w := c.newWorker()
	for i := range peerEvents {
		k := c.spread(i, peerEvents)
		vHits += c.vigilRun(w, k, k+1)
	}
	t.Logf("\nSigma evaluation, %d cores, %d EVTX attack-sample events", workers, len(c.events))
	t.Logf("%-34s %8s %14s %8s", "engine", "rules", "events/s", "ratio")
	t.Logf("%-34s %8d %14.0f %8.1f", "vigil (internal/detect)", len(c.vigil.Rules()), vigil, 1.0)
	t.Logf("%-34s %8d %14.0f %8.4f", "sigma-go v0.6.6, with vigil's index", c.peerLoaded, peerRate, peerRate/vigil)
	t.Logf("%-34s %8d %14.0f %8.5f", "sigma-go v0.6.6, every rule", c.peerLoaded, peerAllRate, peerAllRate/vigil)
	t.Logf("vigil is %.0fx the peer given vigil's log-source index, %.0fx the peer as its API runs; matches on the peer's %d sampled events: vigil %d, peer %d",
		vigil/peerRate, vigil/peerAllRate, peerEvents, vHits, pHits)
	if vigil <= peerRate {
		t.Errorf("vigil (%.0f events/s) is not faster than the peer (%.0f events/s)", vigil, peerRate)
	}
}
