package serve

import (
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// osEvent is a Winlogbeat logon event of host stating its Windows build.
func osEvent(host, osName, kernel string, at time.Time) *event.Event {
	ev := &event.Event{Time: at, Host: host, Source: "winlogbeat"}
	ev.Set("EventID", "4624")
	ev.Set("host.os.name", osName)
	ev.Set("host.os.kernel", kernel)
	return ev
}

// TestPartitionDetectorLearnsAssets: a detect node's partition detector
// offers every event it processes to the inventory, copying what it
// queues, as the bus may reuse the messages' bytes once Process returns.
func TestPartitionDetectorLearnsAssets(t *testing.T) {
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	h := testDetector(t, db)
	h.estate = newEstateWatch()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	hosts := []struct{ name, os, kernel string }{
		{"WARD7-PC03.trust.nhs.uk", "Windows 7 Professional", "6.1.7601"},
		{"DC01.trust.nhs.uk", "Windows Server 2012 R2 Standard", "6.3.9600"},
	}
	byP := map[int][]bus.Msg{}
	for i, hst := range hosts {
		p := bus.PartitionOf(hst.name, testPartitions)
		for j := range 3 {
			ev := osEvent(hst.name, hst.os, hst.kernel, at.Add(time.Duration(j)*time.Minute))
			byP[p] = append(byP[p], bus.Msg{Partition: p, Seq: uint64(10*i + j + 1), Data: ev.AppendBinary(nil)})
		}
	}
	for p, msgs := range byP {
		feed(t, h, p, 1, msgs, 2)
		for _, m := range msgs { // the bus reuses the bytes
			for i := range m.Data {
				m.Data[i] = 0xff
			}
		}
	}
	w := h.estate
	var ev event.Event
	for len(w.prio) > 0 || len(w.in) > 0 {
		select {
		case rec := <-w.prio:
			w.observe(&ev, rec)
		case rec := <-w.in:
			w.observe(&ev, rec)
		}
	}
	if got := w.observed.Load(); got != 6 {
		t.Errorf("%d events observed, want 6 (dropped %d)", got, w.dropped.Load())
	}
	got := w.inv.Assets()
	for _, hst := range hosts {
		i := slices.IndexFunc(got, func(a estate.Asset) bool { return a.Name == hst.name })
		if i < 0 || got[i].OSVersion != hst.kernel || !got[i].LastSeen.Equal(at.Add(2*time.Minute)) {
			t.Errorf("%s not learned as %s seen until %v: %+v", hst.name, hst.kernel, at.Add(2*time.Minute), got)
		}
	}
}

// TestOfferBorrowed: an offerer facing a full queue counts the record as
// dropped and passes over the next ordinary ones, borrowing or not; one
// that borrows queues a copy, so that the caller may change its record.
func TestOfferBorrowed(t *testing.T) {
	tests := []struct {
		borrowed bool
		queued   string // what the queue holds after the caller changed "z" to "q"
	}{
		{borrowed: false, queued: "q"},
		{borrowed: true, queued: "z"},
	}
	for _, tc := range tests {
		w := newEstateWatch()
		for range cap(w.in) {
			w.in <- nil
		}
		o := &estateOfferer{w: w, borrowed: tc.borrowed}
		ordinary := &event.Event{Host: "WS1"}
		ordinary.Set("EventID", "4624")
		o.offer(ordinary, []byte("x"))
		o.offer(ordinary, []byte("y")) // passed over
		if d := w.dropped.Load(); d != estateSkip+1 || o.skip != estateSkip-1 {
			t.Errorf("borrowed %v: dropped %d, skip %d; want %d, %d", tc.borrowed, d, o.skip, estateSkip+1, estateSkip-1)
		}
		rec := []byte("z")
		o.offer(osEvent("WS1", "Windows 10 Pro", "10.0.19045", time.Time{}), rec)
		rec[0] = 'q'
		if got := string(<-w.prio); got != tc.queued {
			t.Errorf("borrowed %v: queued %q after the caller changed its record, want %q", tc.borrowed, got, tc.queued)
		}
	}
}
