package serve

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/wait"
)

const (
	// linkEvery is how often a detect node tries to run the
	// cross-partition linker: the lag before incidents of two partitions
	// that the single process would have grouped become one.
	linkEvery = 2 * time.Second
	// linkScan is how many of the newest incidents (by LastSeen) not
	// merged a round reads: the open ones are among them.
	linkScan = 1000
)

// linkStore is what the linker needs of the shared store.
type linkStore interface {
	Incidents(ctx context.Context, q alert.IncidentQuery) ([]*alert.Incident, error)
	MergeIncidents(ctx context.Context, into string, from []string, at time.Time) error
}

// incidentLinker merges the incidents of different partitions that a
// single process would have grouped: each detect node's Deduper sees only
// its partitions' hosts. Every detect node runs one; a round runs only on
// the node that takes the cluster-wide lock, so merges never race each
// other, and the store folds the detect nodes' later commits into them.
type incidentLinker struct {
	log        *slog.Logger
	store      linkStore
	lock       func(ctx context.Context) (unlock func(), ok bool, err error)
	window     time.Duration // alert.incident_window
	partitions int
	merged     atomic.Int64 // incidents merged by this node
}

// run tries a round every linkEvery until ctx ends. A failed round is
// logged and tried again.
func (l *incidentLinker) run(ctx context.Context) error {
	wait.Every(ctx, linkEvery, func(ctx context.Context) {
		if _, err := l.round(ctx); err != nil && ctx.Err() == nil {
			l.log.Warn("incident linker: round failed; trying again", "err", err)
		}
	})
	return nil
}

// round takes the lock if it is free, links the newest incidents and
// merges each group into its first; it returns how many incidents it
// merged.
func (l *incidentLinker) round(ctx context.Context) (int, error) {
	unlock, ok, err := l.lock(ctx)
	if err != nil || !ok {
		return 0, err
	}
	defer unlock()
	incs, err := l.store.Incidents(ctx, alert.IncidentQuery{Limit: linkScan})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, g := range alert.LinkIncidents(incs, l.window, l.apart) {
		if err := l.store.MergeIncidents(ctx, g[0], g[1:], time.Now().UTC()); err != nil {
			return n, err
		}
		n += len(g) - 1
		l.log.Info("incident linker: merged incidents linked across partitions", "into", g[0], "from", g[1:])
	}
	l.merged.Add(int64(n))
	return n, nil
}

// apart reports whether a and b may be linked: they are not both of one
// and the same partition, whose Deduper has already linked what it could.
func (l *incidentLinker) apart(a, b *alert.Incident) bool {
	pa, pb := l.partitionsOf(a), l.partitionsOf(b)
	return len(pa) != 1 || !slices.Equal(pa, pb)
}

// partitionsOf lists the partitions of inc's hosts, sorted.
func (l *incidentLinker) partitionsOf(inc *alert.Incident) []int {
	var out []int
	for _, h := range inc.Hosts {
		if p := bus.PartitionOf(h, l.partitions); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
