package serve

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// keyPass is a detect node's bus.Handler for the key stream: for each key
// partition it holds it runs a correlation engine with only the re-keyed
// correlations, fed the matches the host pass published, and commits
// their alerts with the partition's position and correlation state in
// one transaction of the shared store (as partition
// keyPartitionOffset+p), fenced by the key lease's epoch, as the host
// pass commits its own. Notifications follow the commit.
type keyPass struct {
	log        *slog.Logger
	store      alert.PartitionStore
	set        *sigma.Set
	plan       *rekeyPlan
	window     time.Duration
	incWindow  time.Duration
	partitions int
	notify     func(*alert.Alert)
	counts     *detectCounts

	mu    sync.Mutex
	parts map[int]*keyState
}

// keyState is what a node holds for one key partition; only the bus's
// goroutine for it uses it.
type keyState struct {
	der   deriver
	pend  pending
	ev    event.Event
	msg   rekeyMsg
	rules []*sigma.Rule
}

func newKeyPass(log *slog.Logger, store alert.PartitionStore, set *sigma.Set, plan *rekeyPlan, cfg Config, partitions int, counts *detectCounts) *keyPass {
	return &keyPass{
		log: log, store: store, set: set, plan: plan, window: cfg.Alert.Window, incWindow: cfg.Alert.IncidentWindow,
		partitions: partitions, counts: counts, parts: map[int]*keyState{},
	}
}

// Claim implements bus.Handler: it fences the key partition's previous
// holder, restores the re-keyed correlations' windows committed with its
// position, and the alert windows of the alerts it updates.
func (k *keyPass) Claim(p int, epoch uint64) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	seq, state, err := k.store.ClaimPartition(ctx, keyPartitionOffset+p, epoch)
	if err != nil {
		return 0, fenced(fmt.Errorf("detect: claim key partition %d under epoch %d: %w", p, epoch, err))
	}
	corr, err := correlate.New(k.set.Rules, k.plan.rekeyed)
	if err != nil {
		return 0, fmt.Errorf("detect: re-keyed correlations: %w", err)
	}
	restoreCorrState(k.log, corr, "key_partition", p, state)
	dedup, err := k.restoreDedup(ctx, p)
	if err != nil {
		return 0, err
	}
	ks := &keyState{der: newDeriver(k.log.With("key_partition", p), dedup, corr, nil, k.counts)}
	ks.pend.reset()
	k.mu.Lock()
	k.parts[p] = ks
	k.mu.Unlock()
	return seq, nil
}

// restoreDedup rebuilds the alert windows of the re-keyed correlations'
// alerts whose group-by values route to key partition p.
func (k *keyPass) restoreDedup(ctx context.Context, p int) (deduper, error) {
	return restoreOwned(ctx, k.store, "key partition", p, k.window, k.incWindow, func(a *alert.Alert) bool {
		q, ok := k.plan.alertPartition(a, k.partitions)
		return ok && q == p
	})
}

// restoreOwned reads the store's recent alerts and incidents and returns
// a deduper holding the alerts mine selects and their incidents; what and
// p name the partition in errors.
func restoreOwned(ctx context.Context, store alert.Store, what string, p int, window, incWindow time.Duration, mine func(*alert.Alert) bool) (deduper, error) {
	alerts, err := store.Alerts(ctx, alert.Query{Limit: restoreLimit})
	if err != nil {
		return nil, fmt.Errorf("detect: %s %d: read alerts to restore: %w", what, p, err)
	}
	incidents, err := store.Incidents(ctx, alert.IncidentQuery{Merged: true, Limit: restoreLimit})
	if err != nil {
		return nil, fmt.Errorf("detect: %s %d: read incidents to restore: %w", what, p, err)
	}
	var kept []*alert.Alert
	incs := map[string]bool{}
	for _, a := range alerts {
		if mine(a) {
			kept = append(kept, a)
			incs[a.IncidentID] = true
		}
	}
	var keptIncidents []*alert.Incident
	for _, in := range incidents {
		if incs[in.ID] {
			keptIncidents = append(keptIncidents, in)
		}
	}
	d := newDeduper(window, incWindow)
	if k, ok := d.(interface{ KeepLinks() }); ok {
		k.KeepLinks() // for the cross-partition linker
	}
	d.Restore(kept, keptIncidents)
	return d, nil
}

// Release implements bus.Handler: the key partition's state is dropped.
func (k *keyPass) Release(p int) {
	k.mu.Lock()
	delete(k.parts, p)
	k.mu.Unlock()
}

// Process implements bus.Handler: each message's event is fed to the
// re-keyed correlations with the rules it matched on its host's node,
// then the batch's alerts are committed with the position and the
// correlation state, and notified.
func (k *keyPass) Process(p int, msgs []bus.Msg) error {
	k.mu.Lock()
	ks := k.parts[p]
	k.mu.Unlock()
	if ks == nil || len(msgs) == 0 {
		return fmt.Errorf("detect: key partition %d: process without a claim", p)
	}
	defer ks.pend.reset()
	for _, m := range msgs {
		k.observe(p, ks, m)
	}
	ks.pend.epoch = msgs[len(msgs)-1].Epoch
	return k.commit(p, ks)
}

// observe feeds one message to the engine; one that does not decode, or
// names rules this node does not have, is logged and skipped.
func (k *keyPass) observe(p int, ks *keyState, m bus.Msg) {
	ks.pend.last, ks.pend.records = m.Seq, ks.pend.records+1
	err := decodeRekeyMsg(m.Data, &ks.msg)
	if err == nil {
		err = ks.ev.UnmarshalBinary(ks.msg.event)
	}
	if err != nil {
		k.counts.decodeErrs.Add(1)
		k.log.Warn("detect: skipping a key pass message that does not decode", "key_partition", p, "seq", m.Seq, "err", err)
		return
	}
	ks.rules = ks.rules[:0]
	for _, id := range ks.msg.rules {
		if r := k.plan.rules[id]; r != nil {
			ks.rules = append(ks.rules, r)
		} else {
			k.log.Warn("detect: key pass message names a rule this node has not loaded", "key_partition", p, "seq", m.Seq, "rule", id)
		}
	}
	host := hostOf(&ks.ev)
	for _, res := range ks.der.corr.ObserveAll(&ks.ev, ks.rules) {
		ks.der.addCorrelation(&ks.pend, res, host)
	}
}

// commit stores what the batch changed with the key partition's position
// and correlation state, then notifies the alerts.
func (k *keyPass) commit(p int, ks *keyState) error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	state, err := ks.der.corr.MarshalState()
	if err != nil {
		return fmt.Errorf("detect: key partition %d: save correlation state: %w", p, err)
	}
	alerts, incidents := ks.pend.changes()
	if err := k.store.CommitPartition(ctx, keyPartitionOffset+p, ks.pend.epoch, ks.pend.last, state, alerts, incidents); err != nil {
		return fenced(fmt.Errorf("detect: commit key partition %d up to sequence %d: %w", p, ks.pend.last, err))
	}
	k.counts.committed(alerts, k.notify)
	return nil
}

// restoreCorrState loads a committed correlation state into corr; one
// that cannot be read is logged, and the partition's correlations start
// empty.
func restoreCorrState(log *slog.Logger, corr *correlate.Engine, what string, p int, state []byte) {
	if len(state) == 0 {
		return
	}
	dropped, err := corr.UnmarshalState(state)
	if err != nil {
		log.Warn("detect: correlation state unusable; the partition's correlations start empty", what, p, "err", err)
		return
	}
	for _, d := range dropped {
		log.Warn("detect: dropped a correlation's windows", what, p, "correlation", d)
	}
}
