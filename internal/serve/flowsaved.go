package serve

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/pgstore"
)

// savedProfiles lists every partition's saved flow profile
// (pgstore.FlowProfileStore).
type savedProfiles interface {
	All(ctx context.Context) ([]pgstore.FlowProfile, error)
}

// savedFlow is the flow judgement of a scaled-out deployment as the detect
// nodes last saved it: each partition's profile, merged. It is the
// report's FlowProfile on an API node and feeds its sources page.
type savedFlow struct {
	store savedProfiles
	opts  flow.Options // the watch's, as on the detect nodes
	log   *slog.Logger // nil: damaged profiles are passed over silently
}

// errNoSavedFlow: no detect node has saved a profile yet.
var errNoSavedFlow = errors.New("no detect node has saved a learned profile of the sources yet (table flow_profiles is empty)")

// SourcesAt implements report.FlowProfile.
func (f savedFlow) SourcesAt(at time.Time) ([]flow.SourceStatus, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	return f.sources(ctx, at)
}

// sources decodes every partition's profile as at at and merges their
// sources. A source is in one partition only (its host's), so nothing is
// counted twice; should two profiles hold one source (a stream made again
// with another partition count), the one seen last stands. A profile that
// does not decode is logged and passed over, so that one damaged row does
// not hide the others. The counts over the window are 0: a profile keeps
// what was learned, not the recent counts.
func (f savedFlow) sources(ctx context.Context, at time.Time) ([]flow.SourceStatus, error) {
	all, err := f.store.All(ctx)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, errNoSavedFlow
	}
	opts := f.opts
	opts.Clock = func() time.Time { return at }
	byKey := map[flow.Key]flow.SourceStatus{}
	for _, fp := range all {
		w := flow.New(opts)
		if err := w.UnmarshalBinary(fp.Profile); err != nil {
			if f.log != nil {
				f.log.Warn("flow watch: saved profile unreadable; its sources are not shown", "partition", fp.Partition, "err", err)
			}
			continue
		}
		for _, st := range w.Sources() {
			if prev, ok := byKey[st.Key]; !ok || st.LastSeen.After(prev.LastSeen) {
				byKey[st.Key] = st
			}
		}
	}
	out := make([]flow.SourceStatus, 0, len(byKey))
	for _, st := range byKey {
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b flow.SourceStatus) int {
		return cmp.Or(cmp.Compare(a.Key.Listener, b.Key.Listener), cmp.Compare(a.Key.Host, b.Key.Host), cmp.Compare(a.Key.Kind, b.Key.Kind))
	})
	return out, nil
}

// listenerHost names the sources of stored events and of flow keys alike:
// the listener ("syslog" of "syslog/udp") and the host in lower case, as
// the event store keeps it.
type listenerHost struct{ listener, host string }

func sourceOf(listener, host string) listenerHost {
	listener, _, _ = strings.Cut(listener, "/")
	return listenerHost{listener, strings.ToLower(host)}
}

// mergeSources joins the judged sources of the saved profiles with the
// counts of the events stored over the window (seen): a judged source
// takes the events' count and latest time of its listener and host when it
// is the only source of them (an HL7 feed's message types share them, and
// the stored events cannot be split by type: their count stays 0). The
// stored sources no profile holds yet follow, unjudged: expected -1, "ok".
func mergeSources(judged []flow.SourceStatus, seen []pgstore.SourceSeen) []console.Source {
	kinds := map[listenerHost]int{}
	for _, st := range judged {
		kinds[sourceOf(st.Key.Listener, st.Key.Host)]++
	}
	counts := map[listenerHost]pgstore.SourceSeen{}
	for _, src := range seen {
		lh := sourceOf(src.Source, src.Host)
		if kinds[lh] == 0 {
			continue
		}
		c := counts[lh]
		c.Events += src.Events
		c.LastStored = maxTime(c.LastStored, src.LastStored)
		counts[lh] = c
	}
	out := make([]console.Source, 0, len(judged)+len(seen))
	for _, st := range judged {
		cs := console.Source{Listener: st.Key.Listener, Host: st.Key.Host, Kind: st.Key.Kind, LastSeen: st.LastSeen,
			Observed: st.Observed, Expected: st.Expected, State: st.State}
		if lh := sourceOf(st.Key.Listener, st.Key.Host); kinds[lh] == 1 {
			c := counts[lh]
			cs.Observed = float64(c.Events)
			cs.LastSeen = maxTime(cs.LastSeen, c.LastStored)
		}
		out = append(out, cs)
	}
	for _, src := range seen {
		if kinds[sourceOf(src.Source, src.Host)] == 0 {
			out = append(out, console.Source{Listener: src.Source, Host: src.Host, LastSeen: src.LastStored,
				Observed: float64(src.Events), Expected: -1, State: "ok"})
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
