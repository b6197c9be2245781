package console

import (
	"context"
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// The hour chart: 12 bars of 5 minutes, the last one holding now.
const (
	signalBar  = 5 * time.Minute
	signalBars = 12
)

// listenerColours is how many listener series the stylesheet colours
// (bar-src1 to bar-src6); further listeners reuse them in turn, and the
// table below the chart names every one.
const listenerColours = 6

// RecentRate is a listener's accepted events a minute over the last minute
// and over the last five minutes.
type RecentRate struct {
	LastMinute float64
	LastFive   float64
}

// signal fills the hour chart: from the listeners' own counts, one series
// each, where the process keeps them (Deps.ListenerBars), else the events
// stored, all together; neither leaves it out.
func (c *Console) signal(ctx context.Context, page *OverviewPage) error {
	start := c.deps.Now().Add(-time.Hour).Truncate(signalBar).Add(signalBar)
	if c.deps.ListenerBars != nil {
		page.Signal, page.ByListener = c.listenerSignal(start), true
		page.SignalFrom = "Counted by this process's listeners as they accept events, before the events are stored."
		return nil
	}
	if c.deps.Events == nil {
		return nil
	}
	page.SignalFrom = "From the event store: the events stored in the last hour, all listeners together (this node counts no listener's events itself)."
	var err error
	page.Signal, err = c.storedSignal(ctx, start)
	return err
}

// listenerSignal is each listener's events in the hour's bars from start.
func (c *Console) listenerSignal(start time.Time) *StackedBars {
	names, counts := c.deps.ListenerBars(start, signalBar, signalBars)
	ch := &StackedBars{Title: "Events received in the last hour, by listener", Series: names, Counts: counts}
	for i := range names {
		ch.Classes = append(ch.Classes, fmt.Sprintf("src%d", i%listenerColours+1))
	}
	c.signalLabels(ch, start)
	total := sum(ch.Totals())
	ch.Desc = plural(total, "event") + " in the last hour, in 5-minute bars stacked by listener; the table below gives each bar."
	return ch
}

// storedSignal is the events stored in the hour's bars from start.
func (c *Console) storedSignal(ctx context.Context, start time.Time) (*StackedBars, error) {
	res, err := c.deps.Events.Search(ctx, eventstore.Query{Since: start, Until: start.Add(signalBars * signalBar), Limit: 1, Buckets: signalBars})
	if err != nil {
		return nil, err
	}
	ch := &StackedBars{Title: "Events received in the last hour", Series: []string{"events"},
		Desc: plural(int(res.Matched), "event") + " in the last hour, in 5-minute bars; the table below gives each bar."}
	for _, b := range res.Histogram {
		ch.Labels = append(ch.Labels, b.Start.In(c.deps.Location).Format("15:04"))
		ch.Counts = append(ch.Counts, []int{int(b.Count)})
	}
	return ch, nil
}

// signalLabels labels the hour's bars from start by their local start time.
func (c *Console) signalLabels(ch *StackedBars, start time.Time) {
	for i := range ch.Counts {
		ch.Labels = append(ch.Labels, start.Add(time.Duration(i)*signalBar).In(c.deps.Location).Format("15:04"))
	}
}
