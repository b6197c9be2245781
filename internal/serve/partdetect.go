package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// storeTimeout bounds one claim or commit on the shared store. A commit
// that has begun must be allowed to finish, so it does not take the
// node's context: the bus stops delivering when the lease goes, and the
// store's epoch check refuses a commit that comes too late.
const storeTimeout = 30 * time.Second

// partitionDetector is a detect node's bus.Handler: for each partition it
// holds it keeps a deriver (correlation windows and alert windows of the
// partition's hosts), runs the same match and derive steps as the log's
// detector on each batch of the stream, and commits the batch's alerts and
// incidents with the partition's position and correlation state in one
// transaction of the shared store, fenced by the lease's epoch. The bus
// acknowledges nothing: the committed position is what counts, and a batch
// processed again after a take-over commits the same alert ids.
type partitionDetector struct {
	log        *slog.Logger
	store      alert.PartitionStore
	events     partitionEvents // searchable events; nil: not kept
	set        *sigma.Set
	matcher    *detect.Matcher
	window     time.Duration // alert.window
	incWindow  time.Duration // alert.incident_window
	partitions int
	// notify is told of every alert once committed; nil: no one. The node
	// that commits an alert notifies it; a batch committed again after a
	// take-over notifies its alerts again, under the same ids.
	notify func(*alert.Alert)
	// estate learns assets from the partitions' events through the side
	// channel role all uses, never waiting; nil: not learning.
	estate *estateWatch
	counts detectCounts
	// plan splits the correlations between this host pass and the key
	// pass (rekey.go); keyBus takes the matches feeding the re-keyed
	// ones. Both nil: every correlation runs here.
	plan   *rekeyPlan
	keyBus *bus.Bus
	// flow is the flow watch of the held partitions; nil: none.
	flow *partitionFlow

	mu    sync.Mutex
	parts map[int]*partitionState
}

// partitionEvents keeps a detect node's events for search, keyed by
// partition and stream sequence so that storing a batch again after a
// take-over changes nothing (pgstore.EventStore.AppendPartition).
type partitionEvents interface {
	AppendPartition(ctx context.Context, p int, recs []eventstore.Record) error
}

// partitionState is what a node holds for one claimed partition. Only the
// bus's goroutine for that partition uses it, but for the fields guarded
// by commitMu, which the flow watch's commits share.
type partitionState struct {
	der     deriver
	batch   *matchBatch
	scratch *detect.Scratch
	pend    pending
	recs    []eventstore.Record
	offer   *estateOfferer // nil: not learning assets
	out     []bus.Keyed    // the batch's matches for the key pass
	batchAt time.Time      // when the stream stored the batch's last message

	// commitMu orders the partition's commits (Process's and the flow
	// watch's) and guards what follows.
	commitMu sync.Mutex
	epoch    uint64         // the epoch p is held by
	seq      uint64         // the last committed sequence
	state    []byte         // the correlation state committed with it
	flow     *partFlowState // nil: no flow watch
	gone     bool           // released or fenced: the flow watch leaves it alone
}

func newPartitionDetector(log *slog.Logger, store alert.PartitionStore, events partitionEvents, set *sigma.Set, cfg Config, partitions int) *partitionDetector {
	return &partitionDetector{
		log: log, store: store, events: events, set: set, matcher: detect.NewMatcher(set.Rules),
		window: cfg.Alert.Window, incWindow: cfg.Alert.IncidentWindow, partitions: partitions,
		parts: map[int]*partitionState{},
	}
}

// Claim implements bus.Handler: it fences the partition's previous holder
// in the store, then rebuilds the partition's correlation windows from the
// state committed with its position and its alert windows from the
// store's alerts of its hosts.
func (h *partitionDetector) Claim(p int, epoch uint64) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	seq, state, err := h.store.ClaimPartition(ctx, p, epoch)
	if err != nil {
		return 0, fenced(fmt.Errorf("detect: claim partition %d under epoch %d: %w", p, epoch, err))
	}
	corrs := h.set.Correlations
	if h.plan != nil {
		corrs = h.plan.host
	}
	corr, err := correlate.New(h.set.Rules, corrs)
	if err != nil { // rules.Load set every refused correlation aside
		return 0, fmt.Errorf("detect: correlations: %w", err)
	}
	restoreCorrState(h.log, corr, "partition", p, state)
	dedup, err := h.restoreDedup(ctx, p)
	if err != nil {
		return 0, err
	}
	ps := &partitionState{batch: newMatchBatch(), scratch: h.matcher.NewScratch()}
	if h.estate != nil {
		ps.offer = &estateOfferer{w: h.estate, borrowed: true} // the messages' bytes are the bus's
	}
	ps.der = newDeriver(h.log.With("partition", p), dedup, corr, h.set.Rules, &h.counts)
	if h.plan != nil {
		ps.der.quiet = h.plan.quiet // a rule feeding only re-keyed correlations stays quiet
	}
	ps.pend.reset()
	ps.epoch, ps.seq, ps.state = epoch, seq, state
	if h.flow != nil {
		if ps.flow, err = h.flow.restore(ctx, p); err != nil {
			return 0, err
		}
	}
	h.mu.Lock()
	h.parts[p] = ps
	h.mu.Unlock()
	return seq, nil
}

// restoreDedup rebuilds the alert windows of p's hosts from the store, so
// that events after the committed position count into the alerts they
// counted into before. Alerts without a host go to every partition: only
// the one that sees their source's events updates them.
func (h *partitionDetector) restoreDedup(ctx context.Context, p int) (deduper, error) {
	return restoreOwned(ctx, h.store, "partition", p, h.window, h.incWindow, func(a *alert.Alert) bool {
		return !h.plan.rekeyedAlert(a) && (a.Host == "" || bus.PartitionOf(a.Host, h.partitions) == p)
	})
}

// Release implements bus.Handler: the partition's flow profile is saved
// and its state dropped.
func (h *partitionDetector) Release(p int) {
	h.mu.Lock()
	ps := h.parts[p]
	delete(h.parts, p)
	h.mu.Unlock()
	if ps != nil && ps.flow != nil {
		h.releaseFlow(p, ps)
	}
}

// Process implements bus.Handler: it matches and derives the batch, stores
// its events for search, then commits its alerts with the position and
// the correlation state, and notifies them.
func (h *partitionDetector) Process(p int, msgs []bus.Msg) error {
	h.mu.Lock()
	ps := h.parts[p]
	h.mu.Unlock()
	if ps == nil || len(msgs) == 0 {
		return fmt.Errorf("detect: partition %d: process without a claim", p)
	}
	ps.recs, ps.out = ps.recs[:0], ps.out[:0]
	for len(msgs) > 0 {
		n := min(len(msgs), matchBatchSize)
		h.derive(ps, msgs[:n])
		msgs = msgs[n:]
	}
	return h.commit(p, ps)
}

// derive runs the match and derive steps over at most matchBatchSize
// messages.
func (h *partitionDetector) derive(ps *partitionState, msgs []bus.Msg) {
	b := ps.batch
	b.recs = b.recs[:0]
	for _, m := range msgs {
		b.recs = append(b.recs, walRec{seq: m.Seq, data: m.Data})
		ps.recs = append(ps.recs, eventstore.Record{Seq: m.Seq, Data: m.Data})
	}
	b.match(h.matcher, ps.scratch)
	if ps.flow != nil {
		h.flow.observe(ps.flow, b, msgs)
		ps.batchAt = msgs[len(msgs)-1].Time
	}
	for i, r := range b.recs {
		ps.der.process(r.seq, &b.evs[i], b.bad[i], b.rules[i], b.ents[i], &ps.pend)
		if ps.offer != nil && b.bad[i] == nil {
			ps.offer.offer(&b.evs[i], r.data)
		}
		if h.plan.active() && b.bad[i] == nil && len(b.rules[i]) > 0 {
			ps.out = h.plan.collect(ps.out, msgs[i].Partition, r.seq, &b.evs[i], b.rules[i], r.data)
		}
	}
	clear(b.recs) // the messages' bytes are the bus's once Process returns
	ps.pend.epoch = msgs[len(msgs)-1].Epoch
}

// commit stores the batch's events, then commits what the batch changed.
// Every event is stored before the commit that moves the partition past
// it: a node that dies between the two leaves the batch uncommitted, and
// whoever processes it again stores nothing twice (AppendPartition skips
// what it holds). A fenced node's store of the same batch is the same rows.
func (h *partitionDetector) commit(p int, ps *partitionState) error {
	defer ps.pend.reset()
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if h.events != nil {
		if err := h.events.AppendPartition(ctx, p, ps.recs); err != nil {
			return fmt.Errorf("detect: partition %d: store %d events for search: %w", p, len(ps.recs), err)
		}
	}
	if err := publishRekeyed(h.keyBus, p, ps.out); err != nil { // stored before the commit moves past them
		return err
	}
	state, err := ps.der.corr.MarshalState()
	if err != nil {
		return fmt.Errorf("detect: partition %d: save correlation state: %w", p, err)
	}
	alerts, incidents := ps.pend.changes()
	ps.commitMu.Lock()
	err = h.store.CommitPartition(ctx, p, ps.pend.epoch, ps.pend.last, state, alerts, incidents)
	if err == nil {
		ps.seq, ps.state = ps.pend.last, state
		if ps.flow != nil {
			ps.flow.lastAt = ps.batchAt
		}
	}
	ps.commitMu.Unlock()
	if err != nil {
		return fenced(fmt.Errorf("detect: commit partition %d up to sequence %d: %w", p, ps.pend.last, err))
	}
	h.counts.committed(alerts, h.notify)
	return nil
}

// fenced makes a store's refusal of an old epoch the bus's, so that the bus
// gives the partition up instead of claiming it again.
func fenced(err error) error {
	if errors.Is(err, alert.ErrFenced) {
		return fmt.Errorf("%w: %w", bus.ErrFenced, err)
	}
	return err
}
