package notify

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// runFor runs d until every target has settled want notifications (sent
// or failed), or fails the test after a few seconds.
func runFor(t *testing.T, d *Dispatcher, want uint64) Stats {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		settled := true
		for _, s := range d.Stats() {
			if s.Sent+s.Failed < want {
				settled = false
			}
		}
		if settled || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return d.Stats()
}

func fast(o Options) Options {
	o.Backoff = time.Millisecond
	return o
}

func TestDispatcherRetries(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []int
		retryAfter string
		requests   int
		sent       uint64
		minElapsed time.Duration
	}{
		{"500 then success", []int{500, 502}, "", 3, 1, 0},
		{"400 is not retried", []int{400}, "", 1, 0, 0},
		{"404 is not retried", []int{404}, "", 1, 0, 0},
		{"429 waits for Retry-After", []int{429}, "1", 2, 1, time.Second},
		{"500 until retries run out", []int{500, 500, 500, 500, 500}, "", 4, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCapture(t, tt.statuses...)
			if tt.retryAfter != "" {
				c.extra = http.Header{"Retry-After": {tt.retryAfter}}
			}
			tg := NewWebhook(c.srv.URL, nil, nil)
			d := NewDispatcher([]Target{tg}, fast(Options{Retries: 3}), nil)
			start := time.Now()
			d.Notify(sample())
			st := runFor(t, d, 1)[tg.Name()]
			if elapsed := time.Since(start); elapsed < tt.minElapsed {
				t.Errorf("took %v, want at least %v", elapsed, tt.minElapsed)
			}
			if got := len(c.bodies); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if st.Sent != tt.sent || st.Sent+st.Failed != 1 {
				t.Errorf("stats %+v, want sent %d of 1", st, tt.sent)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"7", 7 * time.Second}, {"-1", 0}, {"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// recorder is a Target that records what it is sent, optionally blocking
// until released.
type recorder struct {
	name  string
	mu    sync.Mutex
	got   []alert.Alert
	block chan struct{}
	err   error
}

func (r *recorder) Name() string { return r.name }

func (r *recorder) Send(ctx context.Context, a *alert.Alert) error {
	if r.block != nil {
		select {
		case <-r.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, *a)
	return r.err
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, a := range r.got {
		ids = append(ids, a.ID)
	}
	return ids
}

func withID(id, level string) *alert.Alert {
	a := sample()
	a.ID, a.Level = id, level
	return a
}

func TestDispatcherLevelAndThrottle(t *testing.T) {
	r := &recorder{name: "r"}
	d := NewDispatcher([]Target{r}, Options{MinLevel: "high", Throttle: 10 * time.Minute, Workers: 1}, nil) // one worker: sends in order
	now := t0
	d.now = func() time.Time { return now }
	d.Notify(withID("low", "medium")) // below min level
	d.Notify(withID("a", "high"))     // sent
	d.Notify(withID("a", "high"))     // throttled: same id, count grew
	d.Notify(withID("b", "critical")) // sent
	now = now.Add(10 * time.Minute)   // throttle has passed
	d.Notify(withID("a", "HIGH"))     // sent again
	st := runFor(t, d, 3)["r"]
	if got, want := r.ids(), []string{"a", "b", "a"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	if st.Sent != 3 || st.Throttled != 1 || st.Dropped != 0 {
		t.Errorf("stats %+v, want 3 sent, 1 throttled", st)
	}
}

func TestDispatcherQueueDropsOldest(t *testing.T) {
	r := &recorder{name: "r"}
	d := NewDispatcher([]Target{r}, Options{QueueLen: 3, Throttle: -1, Workers: 1}, nil)
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		d.Notify(withID(id, "high"))
	}
	if st := d.Stats()["r"]; st.Dropped != 2 || st.Queued != 3 {
		t.Fatalf("before run: %+v, want 2 dropped, 3 queued", st)
	}
	runFor(t, d, 3)
	if got, want := r.ids(), []string{"3", "4", "5"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want the newest %v", got, want)
	}
}

func TestDispatcherCopiesAlert(t *testing.T) {
	r := &recorder{name: "r"}
	d := NewDispatcher([]Target{r}, Options{}, nil)
	a := withID("x", "high")
	d.Notify(a)
	a.Count, a.Tags[0] = 99, "changed"
	runFor(t, d, 1)
	if got := r.got[0]; got.Count != 3 || got.Tags[0] != "attack.impact" {
		t.Errorf("sent alert changed after Notify: count %d tags %v", got.Count, got.Tags)
	}
}

func TestDispatcherSlowTargetDoesNotDelayOthers(t *testing.T) {
	slow := &recorder{name: "slow", block: make(chan struct{})}
	quick := &recorder{name: "quick"}
	d := NewDispatcher([]Target{slow, quick}, Options{Drain: 50 * time.Millisecond, Retries: -1}, nil)
	d.Notify(withID("x", "high"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for d.Stats()["quick"].Sent == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if d.Stats()["quick"].Sent != 1 {
		t.Fatal("quick target was held up by the slow one")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if st := d.Stats()["slow"]; st.Failed != 1 {
		t.Errorf("slow target stats %+v, want the blocked send failed", st)
	}
}

func TestRunDrainsQueue(t *testing.T) {
	r := &recorder{name: "r"}
	d := NewDispatcher([]Target{r}, Options{Throttle: -1}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, id := range []string{"1", "2"} {
		d.Notify(withID(id, "high"))
	}
	if err := d.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if st := d.Stats()["r"]; st.Sent != 2 {
		t.Errorf("after drain %+v, want 2 sent", st)
	}
}

func TestPermanentErrorNotRetried(t *testing.T) {
	r := &recorder{name: "r", err: permanent(errors.New("refused"))}
	d := NewDispatcher([]Target{r}, fast(Options{Retries: 5}), nil)
	d.Notify(withID("x", "high"))
	st := runFor(t, d, 1)["r"]
	if len(r.ids()) != 1 || st.Failed != 1 {
		t.Errorf("%d attempts, stats %+v; want 1 attempt, failed", len(r.ids()), st)
	}
}

// TestFullQueueDropsLowestLevelFirst fills a lane and checks that a burst
// of low alerts never pushes out a critical one, and that order is kept.
func TestFullQueueDropsLowestLevelFirst(t *testing.T) {
	l := newLane("0", nil, 3)
	now := time.Now()
	offer := func(id, level string) { l.offer(&alert.Alert{ID: id, Level: level}, now, 0) }
	offer("h1", "high")
	offer("l1", "low")
	offer("h2", "high")
	offer("c1", "critical") // evicts l1
	offer("l2", "low")      // lower than all queued: dropped
	offer("h3", "high")     // evicts h1, the oldest high
	var got []string
	for {
		a, ok := l.pop()
		if !ok {
			break
		}
		got = append(got, a.ID)
	}
	if want := []string{"h2", "c1", "h3"}; !slices.Equal(got, want) {
		t.Errorf("queue %v, want %v", got, want)
	}
	if l.st.Dropped != 3 {
		t.Errorf("dropped %d, want 3", l.st.Dropped)
	}
}

// inFlight is a target that holds each send until released and records
// how many were in progress at once.
type inFlight struct {
	mu        sync.Mutex
	now, most int
	release   chan struct{}
}

func (f *inFlight) Name() string { return "inflight" }
func (f *inFlight) Send(ctx context.Context, a *alert.Alert) error {
	f.mu.Lock()
	f.now++
	f.most = max(f.most, f.now)
	f.mu.Unlock()
	<-f.release
	f.mu.Lock()
	f.now--
	f.mu.Unlock()
	return nil
}

// TestWorkersSendABurstTogether shows a burst sent by several workers at
// once rather than one round trip at a time.
func TestWorkersSendABurstTogether(t *testing.T) {
	f := &inFlight{release: make(chan struct{})}
	d := NewDispatcher([]Target{f}, Options{Workers: 3, Throttle: -1}, nil)
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		d.Notify(withID(id, "high"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		most := f.most
		f.mu.Unlock()
		if most == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("at most %d sends in flight, want 3", most)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(f.release)
	for d.Stats()["inflight"].Sent < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("sent %d of 5", d.Stats()["inflight"].Sent)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
}
