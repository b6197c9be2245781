package bus

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// nodeName is what a node may be called: one token of a lease key.
var nodeName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Keys of the lease bucket: one per partition, valued with the node that
// holds it, and one per live node, which gives the group's size.
func leaseKey(p int) string        { return "p." + strconv.Itoa(p) }
func memberKey(node string) string { return memberPrefix + node }

const memberPrefix = "m."

// Join runs node as a member of the stream's detector group until ctx is
// done. It claims a fair share of the partitions (the partition count
// divided by the live members, rounded down or up), runs h on each, gives surplus
// partitions up when others join, and takes over those whose leases expire
// when others die. Each lease is renewed every quarter of the lease TTL.
// When ctx is done it stops delivering, releases every partition in h and
// deletes its leases, so that the others take them over at once; a node
// that dies instead leaves its leases to expire after the TTL.
//
// A partition is delivered only while its lease is known to be held: a
// node whose renewals are late stops delivering at three quarters of the
// TTL, before the lease can expire; the lease's epoch fences a node that
// was paused past that (see Handler). Node names must be unique in the
// group.
func (b *Bus) Join(ctx context.Context, node string, h Handler) error {
	if !nodeName.MatchString(node) {
		return fmt.Errorf("bus: join stream %s: node name %q is not letters, digits, _ and - (at most 128)", b.cfg.Stream, node)
	}
	m := &member{
		b: b, node: node, h: h,
		value:  []byte(node + "/" + nuid.Next()),
		log:    b.log.With("stream", b.cfg.Stream, "node", node),
		tick:   b.cfg.LeaseTTL / 4,
		leases: map[int]*lease{},
	}
	m.validFor = b.cfg.LeaseTTL - m.tick
	defer m.leave()
	t := time.NewTicker(m.tick)
	defer t.Stop()
	for {
		m.round(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// member is one node's part in the group. Only Join's goroutine uses its
// leases map; each lease runs in goroutines of its own (lease.go).
type member struct {
	b        *Bus
	node     string
	value    []byte // what this node's leases hold: its name and this life's unique id
	h        Handler
	log      *slog.Logger
	tick     time.Duration // between rounds and between renewals
	validFor time.Duration // how long after a renewal is sent the lease is taken as held
	leases   map[int]*lease
}

// round announces this node, forgets leases that ended, reads the group's
// state and claims or gives up partitions towards the fair share.
func (m *member) round(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	if err := m.op(ctx, func(ctx context.Context) error {
		_, err := m.b.kv.Put(ctx, memberKey(m.node), m.value)
		return err
	}); err != nil {
		m.log.Warn("bus: announce node", "err", err)
	}
	for p, l := range m.leases {
		select {
		case <-l.done: // lost, fenced, or not renewed in time
			m.forget(p)
		default:
		}
	}
	var view map[string]jetstream.KeyValueEntry
	if err := m.op(ctx, func(ctx context.Context) (err error) {
		view, err = m.view(ctx)
		return err
	}); err != nil {
		m.log.Warn("bus: read partition leases", "bucket", m.b.leaseBucket(), "err", err)
		return
	}
	share := m.share(view)
	switch {
	case len(m.leases) > share:
		m.shed(len(m.leases) - share)
	case len(m.leases) < share:
		m.claim(ctx, view, share-len(m.leases))
	}
}

// op runs one request to the bucket with its own deadline, half the lease
// TTL: long enough for a cluster electing a leader, short enough that a
// lease is renewed before it is given up.
func (m *member) op(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, m.b.cfg.LeaseTTL/2)
	defer cancel()
	return f(ctx)
}

// view reads every live key of the lease bucket.
func (m *member) view(ctx context.Context) (map[string]jetstream.KeyValueEntry, error) {
	w, err := m.b.kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, err
	}
	defer w.Stop()
	view := map[string]jetstream.KeyValueEntry{}
	for {
		select {
		case e := <-w.Updates():
			if e == nil { // the initial values are all read
				return view, nil
			}
			view[e.Key()] = e
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// share is this node's fair share of the partitions among the live
// members: the partitions over the members, one more for the first
// (partitions mod members) of them in name order, so that the shares add
// up to the partitions exactly and no node is left without while others
// hold one more.
func (m *member) share(view map[string]jetstream.KeyValueEntry) int {
	names := []string{m.node} // counted even if its announcement failed
	for k := range view {
		if name, ok := strings.CutPrefix(k, memberPrefix); ok && name != m.node {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return fairShare(m.b.cfg.Partitions, len(names), slices.Index(names, m.node))
}

// fairShare is the share of the member at rank (0-based) of n members in
// p partitions.
func fairShare(p, n, rank int) int {
	s := p / n
	if rank < p%n {
		s++
	}
	return s
}

// shed gives up n partitions, the highest-numbered first, so that a joining
// node can take them: each stops being delivered before its lease is
// deleted.
func (m *member) shed(n int) {
	ps := make([]int, 0, len(m.leases))
	for p := range m.leases {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	for _, p := range ps[len(ps)-n:] {
		m.log.Info("bus: giving a partition up for a fair share", "partition", p)
		m.leases[p].stop()
		m.forget(p)
	}
}

// claim tries to take n partitions that no node holds, or that this node
// held in an earlier life, all at once (a claim is a round trip to a
// quorum), starting from a place that depends on the node's name so that
// joining nodes rarely race for the same ones. Those another node wins
// are tried again, with others, next round.
func (m *member) claim(ctx context.Context, view map[string]jetstream.KeyValueEntry, n int) {
	type claimed struct {
		p    int
		rev  uint64
		sent time.Time
		err  error
	}
	P := m.b.cfg.Partitions
	start := PartitionOf(m.node, P)
	results := make(chan claimed, n)
	tried := 0
	for i := 0; i < P && tried < n; i++ {
		p := (start + i) % P
		if _, ok := m.leases[p]; ok {
			continue
		}
		e, taken := view[leaseKey(p)]
		if taken && !bytes.HasPrefix(e.Value(), []byte(m.node+"/")) {
			continue
		}
		tried++
		go func() {
			c := claimed{p: p, sent: time.Now()}
			c.err = m.op(ctx, func(ctx context.Context) (err error) {
				if !taken {
					c.rev, err = m.b.kv.Create(ctx, leaseKey(p), m.value)
				} else { // this node's earlier life: a new revision, so a new epoch, fences it
					c.rev, err = m.b.kv.Update(ctx, leaseKey(p), m.value, e.Revision())
				}
				return err
			})
			results <- c
		}()
	}
	for range tried {
		c := <-results
		if c.err != nil {
			m.log.Debug("bus: claim partition", "partition", c.p, "err", c.err)
			continue
		}
		m.leases[c.p] = m.start(ctx, c.p, c.rev, c.sent)
	}
}

// forget removes an ended lease.
func (m *member) forget(p int) {
	delete(m.leases, p)
	m.b.untrackLag(p)
}

// leave stops every lease, each deleting its key, and deletes this node's
// presence.
func (m *member) leave() {
	for _, l := range m.leases {
		l.cancel()
	}
	for p, l := range m.leases {
		<-l.done
		m.forget(p)
	}
	_ = m.op(context.Background(), func(ctx context.Context) error {
		return m.b.kv.Delete(ctx, memberKey(m.node)) // it expires otherwise
	})
	m.log.Info("bus: left the detector group")
}
