package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/flow"
)

// flowProfiles keeps each partition's learned flow profile in the shared
// database (pgstore.FlowProfileStore). Save is fenced by the partition's
// epoch and fails with alert.ErrFenced once a later epoch claimed it; Load
// gives nil when nothing was saved.
type flowProfiles interface {
	Save(ctx context.Context, p int, epoch uint64, profile []byte) error
	Load(ctx context.Context, p int) ([]byte, error)
}

// partitionFlow is a detect node's flow watch. A flow source is (listener,
// host, kind) and the stream is partitioned by host, so every source's
// events are in one partition: each held partition has a flow.Watch of its
// own, fed in Process, judged every CheckEvery, its findings committed as
// the partition's alerts (at its last committed sequence, so that a
// partition whose sources all went silent is judged too), and its profile
// saved every SaveEvery, after findings and at release, and restored at
// claim.
type partitionFlow struct {
	log      *slog.Logger
	opts     flow.Options // as role all's (flow.Watch of the config)
	now      func() time.Time
	profiles flowProfiles
	cfg      FlowConfig
	// lagging says whether messages of p wait in the stream (bus lag);
	// nil: never. A partition catching up is not judged: its sources'
	// latest events are still to come.
	lagging func(p int) bool
}

// partFlowState is one held partition's watch. Its fields past w are
// guarded by the partitionState's commitMu.
type partFlowState struct {
	w      *flow.Watch
	evs    []*event.Event            // scratch: a batch's decoded events
	raised map[flow.Key]*alert.Alert // open conditions, so that a recovery updates its alert
	pend   map[string]*alert.Alert   // alerts a failed commit left, by id
	lastAt time.Time                 // when the stream stored the last message processed
}

func newPartitionFlow(log *slog.Logger, cfg FlowConfig, profiles flowProfiles, lagging func(int) bool) *partitionFlow {
	opts := cfg.Watch
	now := opts.Clock
	if now == nil {
		now = time.Now
		opts.Clock = now
	}
	return &partitionFlow{log: log, opts: opts, now: now, profiles: profiles, cfg: cfg, lagging: lagging}
}

// restore makes p's watch from the profile saved for it. A profile that
// does not decode is logged and set aside, as role all does with flow.bin:
// the watch relearns. A database that cannot be read fails the claim, so
// that a fresh profile never overwrites the saved one.
func (pf *partitionFlow) restore(ctx context.Context, p int) (*partFlowState, error) {
	w := flow.New(pf.opts)
	data, err := pf.profiles.Load(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("detect: partition %d: restore the flow profile: %w", p, err)
	}
	if data != nil {
		if err := w.UnmarshalBinary(data); err != nil {
			pf.log.Warn("flow watch: saved profile unreadable; relearning", "partition", p, "err", err)
		}
	}
	return &partFlowState{w: w, raised: map[flow.Key]*alert.Alert{}, pend: map[string]*alert.Alert{}}, nil
}

// observe counts a matched batch's decoded events as arriving when the
// stream stored the last of msgs (the node's clock if the bus gave no
// time): an ingest node's arrival, not the time the node got round to it.
func (pf *partitionFlow) observe(fs *partFlowState, b *matchBatch, msgs []bus.Msg) {
	at := msgs[len(msgs)-1].Time
	if at.IsZero() {
		at = pf.now()
	}
	fs.evs = fs.evs[:0]
	for i := range b.recs {
		if b.bad[i] == nil {
			fs.evs = append(fs.evs, &b.evs[i])
		}
	}
	observeFlow(fs.w, at, fs.evs)
	clear(fs.evs) // the events are the batch's, reused for the next
}

// runFlow judges the held partitions' sources every CheckEvery and saves
// their profiles every SaveEvery until ctx ends; each partition's last
// save is its release's.
func (h *partitionDetector) runFlow(ctx context.Context) error {
	check := time.NewTicker(h.flow.cfg.CheckEvery)
	defer check.Stop()
	save := time.NewTicker(h.flow.cfg.SaveEvery)
	defer save.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-check.C:
			h.eachFlow(h.checkFlow)
		case <-save.C:
			h.eachFlow(func(p int, ps *partitionState) {
				ps.commitMu.Lock()
				defer ps.commitMu.Unlock()
				h.saveFlow(p, ps)
			})
		}
	}
}

// eachFlow calls fn for every held partition, in order, outside h.mu.
func (h *partitionDetector) eachFlow(fn func(p int, ps *partitionState)) {
	h.mu.Lock()
	held := maps.Clone(h.parts)
	h.mu.Unlock()
	for _, p := range slices.Sorted(maps.Keys(held)) {
		if held[p].flow != nil {
			fn(p, held[p])
		}
	}
}

// checkFlow judges p's sources and commits what starts or ends as alerts,
// with the partition's committed position and correlation state, so that
// the commit changes nothing else; then it saves the profile, so that the
// next holder does not raise a condition already raised.
func (h *partitionDetector) checkFlow(p int, ps *partitionState) {
	ps.commitMu.Lock()
	defer ps.commitMu.Unlock()
	fs, now := ps.flow, h.flow.now()
	if ps.gone || (h.flow.lagging != nil && h.flow.lagging(p) && now.Sub(fs.lastAt) > h.flow.opts.Bucket) {
		return
	}
	found := fs.w.Check(now)
	for _, f := range found {
		if a := flowAlert(h.log, now, f, fs.raised); a != nil {
			fs.pend[a.ID] = a
		}
	}
	if len(fs.pend) > 0 && !h.commitFlow(p, ps) {
		return
	}
	if len(found) > 0 {
		h.saveFlow(p, ps)
	}
}

// commitFlow commits p's pending flow alerts at its committed sequence
// and notifies them. It reports whether they were committed; the caller
// holds commitMu. A failed commit keeps them for the next check; a fenced
// one drops them, the partition being another node's now.
func (h *partitionDetector) commitFlow(p int, ps *partitionState) bool {
	fs := ps.flow
	alerts := slices.SortedFunc(maps.Values(fs.pend), func(a, b *alert.Alert) int { return cmp.Compare(a.ID, b.ID) })
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	err := h.store.CommitPartition(ctx, p, ps.epoch, ps.seq, ps.state, alerts, nil)
	if err != nil {
		if errors.Is(err, alert.ErrFenced) {
			ps.gone = true
			clear(fs.pend)
		}
		h.log.Warn("flow watch: commit the partition's flow alerts", "partition", p, "alerts", len(alerts), "err", err)
		return false
	}
	clear(fs.pend)
	h.counts.committed(alerts, h.notify)
	return true
}

// saveFlow saves p's profile under the epoch it holds p by; the caller
// holds commitMu. Once fenced it saves no more: the next holder's profile
// is the one that counts.
func (h *partitionDetector) saveFlow(p int, ps *partitionState) {
	if ps.gone {
		return
	}
	data, err := ps.flow.w.MarshalBinary()
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		err = h.flow.profiles.Save(ctx, p, ps.epoch, data)
		cancel()
	}
	if errors.Is(err, alert.ErrFenced) {
		ps.gone = true
		h.log.Info("flow watch: partition claimed by another node; its profile is no longer saved here", "partition", p, "err", err)
		return
	}
	if err != nil {
		h.log.Error("flow watch: save the partition's profile", "partition", p, "err", err)
	}
}

// releaseFlow saves p's profile as the partition is given up and stops
// the watch's checks of it.
func (h *partitionDetector) releaseFlow(p int, ps *partitionState) {
	ps.commitMu.Lock()
	defer ps.commitMu.Unlock()
	h.saveFlow(p, ps)
	ps.gone = true
}
