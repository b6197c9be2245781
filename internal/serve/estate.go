package serve

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/report"
)

// EstateConfig names the feeds the service checks assets against and an
// asset register. KEV and EOL default to the copies vigil estate update
// stored in the data folder (estate.FeedPaths); without either, assets
// are listed without those findings.
type EstateConfig struct {
	KEV    string `yaml:"kev"`    // CISA KEV catalogue JSON
	EOL    string `yaml:"eol"`    // endoflife.date product folder
	Assets string `yaml:"assets"` // asset CSV (name,vendor,product,version,...)
	// LearnedMaxAge drops learned assets last seen longer ago than this
	// from what is read and saved (estate.AgeLearned); 0 keeps them for
	// ever. Default estate.DefaultLearnedMaxAge.
	LearnedMaxAge time.Duration `yaml:"learned_max_age"`
}

// validate refuses a negative maximum age.
func (e *EstateConfig) validate() error {
	if e.LearnedMaxAge < 0 {
		return fmt.Errorf("config key estate.learned_max_age: %v is negative (0 keeps learned assets of any age)", e.LearnedMaxAge)
	}
	return nil
}

// ageLearnedIn makes the report read the learned assets as the assets
// page does, aged out after estate.learned_max_age.
func (s *Service) ageLearnedIn(src *report.Sources) {
	if st, ok := src.Estate.(estate.Store); ok {
		src.Estate = s.learnedStore(st)
	}
}

// nodeEstate is the shared database's estate store as the scaled-out
// nodes use it: learned assets ageing out after estate.learned_max_age
// (learnedStore), and each detect node's save forgetting the nodes that
// have not saved for as long, which left for good.
func (s *Service) nodeEstate(db *pgstore.DB) estate.Store {
	return s.learnedStore(db.EstateWith(pgstore.EstateOptions{NodeMaxAge: s.cfg.Estate.LearnedMaxAge}))
}

// learnedStore is s, its learned assets ageing out after
// estate.learned_max_age: every read and save of learned assets goes
// through it.
func (s *Service) learnedStore(st estate.Store) estate.Store {
	return estate.AgeLearned(st, s.cfg.Estate.LearnedMaxAge, time.Now)
}

// The estate side channel: the detector offers decoded records to the
// inventory through bounded queues and never waits; a record that finds
// its queue full is counted as dropped. The inventory takes at most
// estateBudget ordinary records per estateTick, so that learning assets
// uses a small, fixed share of a core however fast events arrive (it
// needs only some events of each host); records that state a host's
// operating system are rare and go through a queue of their own, read
// without that limit.
const (
	estateQueue     = 4096
	estatePrioQueue = 256
	estateBudget    = 1000
	estateTick      = 100 * time.Millisecond
	estateSaveEvery = 5 * time.Minute
)

// estateWatch learns assets from the events and checks them against the
// feeds.
type estateWatch struct {
	inv      *estate.Inventory
	checker  *estate.Checker // parts may be nil: that feed is not loaded
	imported []estate.Asset
	in, prio chan []byte
	observed atomic.Int64
	dropped  atomic.Int64
}

func newEstateWatch() *estateWatch {
	return &estateWatch{inv: estate.NewInventory(0), checker: &estate.Checker{},
		in: make(chan []byte, estateQueue), prio: make(chan []byte, estatePrioQueue)}
}

// openEstate loads the feeds and the asset register. A path the
// configuration names must load; the stored copies are used when present.
func (s *Service) openEstate() error {
	ec := s.cfg.Estate
	w := newEstateWatch()
	kevPath, eolPath := ec.KEV, ec.EOL
	if kevPath == "" || eolPath == "" {
		kev, eol, err := estate.FeedPaths(s.cfg.Data)
		if err != nil {
			s.log.Info("estate: no stored feeds; assets are listed without end-of-life and KEV findings", "reason", err.Error())
		} else {
			kevPath, eolPath = cmp.Or(kevPath, kev), cmp.Or(eolPath, eol)
		}
	}
	var err error
	if kevPath != "" {
		if w.checker.KEV, err = estate.LoadKEV(kevPath); err != nil {
			return fmt.Errorf("config key estate.kev: %w", err)
		}
	}
	if eolPath != "" {
		if w.checker.Lifecycles, err = estate.LoadLifecycles(eolPath); err != nil {
			return fmt.Errorf("config key estate.eol: %w", err)
		}
	}
	if ec.Assets != "" {
		if w.imported, err = estate.LoadAssetsCSV(ec.Assets); err != nil {
			return fmt.Errorf("config key estate.assets: %w", err)
		}
	}
	s.estate = w
	return nil
}

// estateOfferer offers one goroutine's records to the inventory. When the
// ordinary queue is full it passes over the next estateSkip ordinary
// records without touching the queue or the shared counter (counting them
// as dropped at once), so that a saturated side channel costs the
// detector almost nothing; records that state an OS are always offered.
type estateOfferer struct {
	w    *estateWatch
	skip int
	// borrowed: the records are the caller's only until offer returns (a
	// detect node's, which the bus owns), so those queued are copied.
	borrowed bool
}

const estateSkip = 63

// offer hands a decoded record's encoding to the inventory without
// waiting. Unless borrowed, the bytes must not change afterwards (the
// detector's records are fresh copies out of the log, never reused); ev
// is only read here.
func (o *estateOfferer) offer(ev *event.Event, rec []byte) {
	q := o.w.prio
	if !estate.StatesOS(ev) {
		if o.skip > 0 {
			o.skip--
			return
		}
		q = o.w.in
	}
	if o.borrowed {
		if len(q) == cap(q) { // full: no copy for a record that would be dropped
			o.full(q)
			return
		}
		rec = bytes.Clone(rec)
	}
	select {
	case q <- rec:
	default:
		o.full(q)
	}
}

// full counts a record that found its queue q full as dropped, and after
// an ordinary one passes over the next estateSkip.
func (o *estateOfferer) full(q chan []byte) {
	if q == o.w.in {
		o.skip = estateSkip
		o.w.dropped.Add(estateSkip + 1)
		return
	}
	o.w.dropped.Add(1)
}

// run observes the offered records until ctx ends, within its budget,
// saving what it learned every estateSaveEvery and at the end.
func (w *estateWatch) run(ctx context.Context, save func() error) error {
	tick := time.NewTicker(estateTick)
	defer tick.Stop()
	saveTick := time.NewTicker(estateSaveEvery)
	defer saveTick.Stop()
	var ev event.Event
	used := 0
	for {
		in := w.in
		if used >= estateBudget {
			in = nil // spent: leave the queue to fill until the next tick
		}
		select {
		case rec := <-w.prio:
			w.observe(&ev, rec)
		case rec := <-in:
			w.observe(&ev, rec)
			used++
		case <-tick.C:
			used = 0
		case <-saveTick.C:
			if err := save(); err != nil {
				return err
			}
		case <-ctx.Done():
			return save()
		}
	}
}

func (w *estateWatch) observe(ev *event.Event, rec []byte) {
	if ev.UnmarshalBinary(rec) == nil {
		w.inv.Observe(ev)
		w.observed.Add(1)
	}
}

// saveEstate keeps the learned assets in the data folder for the board
// pack.
func (s *Service) saveEstate() error {
	st := s.learnedStore(estate.NewFileStore(s.cfg.Data))
	if err := st.SaveLearned(context.Background(), "", s.estate.inv.Assets()); err != nil {
		return fmt.Errorf("save the learned assets: %w", err)
	}
	return nil
}

// assets returns the assets known now, imported and learned within
// maxAge before at (0: any), checked against the feeds.
func (w *estateWatch) assets(at time.Time, maxAge time.Duration) []estate.Finding {
	return w.check(estate.FreshLearned(w.inv.Assets(), maxAge, at), at)
}

// check merges learned with the imported assets and checks them against
// the feeds.
func (w *estateWatch) check(learned []estate.Asset, at time.Time) []estate.Finding {
	return w.checker.CheckAll(estate.Merge(w.imported, learned), at)
}

// AssetsAnswer is the answer of GET /api/v1/assets.
type AssetsAnswer struct {
	Assets []estate.Row `json:"assets"`
	// What the findings rest on: the feeds loaded (false: that finding is
	// not known), events observed and (about) those passed over while the
	// side channel was full.
	KEVLoaded bool  `json:"kev_loaded"`
	EOLLoaded bool  `json:"eol_loaded"`
	Observed  int64 `json:"events_observed"`
	Dropped   int64 `json:"events_dropped"`
}

func (s *Service) handleAssets(w http.ResponseWriter, r *http.Request) {
	limit, err := listLimit(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
		return
	}
	fs, err := s.knownAssets(r.Context(), time.Now())
	if err != nil {
		s.log.Error("API: read the learned assets", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reading the learned assets failed"})
		return
	}
	ans := AssetsAnswer{Assets: make([]estate.Row, 0, min(len(fs), limit)), KEVLoaded: s.estate.checker.KEV != nil,
		EOLLoaded: s.estate.checker.Lifecycles != nil, Observed: s.estate.observed.Load(), Dropped: s.estate.dropped.Load()}
	for _, f := range fs[:min(len(fs), limit)] {
		ans.Assets = append(ans.Assets, f.Row())
	}
	writeJSON(w, http.StatusOK, ans)
}
