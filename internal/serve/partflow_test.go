package serve

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// flowDetector is a partition detector over db with a flow watch on clk,
// counting the flow alerts it notifies.
func flowDetector(t *testing.T, db *pgstore.DB, clk *fakeClock, notified *atomic.Int64) *partitionDetector {
	t.Helper()
	h := testDetector(t, db)
	cfg := FlowConfig{CheckEvery: time.Hour, SaveEvery: time.Hour, Watch: flow.Options{Clock: clk.Now, Location: time.UTC}}
	h.flow = newPartitionFlow(testLogger(t), cfg, db.FlowProfiles(), nil)
	h.notify = func(a *alert.Alert) {
		if a.RuleID == ruleFlowSilent {
			notified.Add(1)
		}
	}
	return h
}

// feedMinutes processes n events of host a minute in partition p for the
// minutes [from, to) after t0, each batch stored by the stream at its
// minute, numbering the messages from *seq on.
func feedMinutes(t *testing.T, h *partitionDetector, p int, epoch uint64, host string, t0 time.Time, from, to, n int, seq *uint64) {
	t.Helper()
	for m := from; m < to; m++ {
		at := t0.Add(time.Duration(m)*time.Minute + time.Second)
		msgs := make([]bus.Msg, n)
		for i := range msgs {
			ev := &event.Event{Time: at, Host: host, Source: "http"}
			ev.Set("Message", "result")
			*seq++
			msgs[i] = bus.Msg{Partition: p, Seq: *seq, Epoch: epoch, Time: at, Data: ev.AppendBinary(nil)}
		}
		if err := h.Process(p, msgs); err != nil {
			t.Fatalf("minute %d: %v", m, err)
		}
	}
}

// flowAlerts are the store's vigil-flow-silent alerts.
func flowAlerts(t *testing.T, s alert.Store) []*alert.Alert {
	t.Helper()
	all, err := s.Alerts(context.Background(), alert.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []*alert.Alert
	for _, a := range all {
		if a.RuleID == ruleFlowSilent {
			out = append(out, a)
		}
	}
	return out
}

// TestPartitionFlowSilentOnce: a detect node's partition learns a
// source's rate from the stream; the source goes silent and the node's
// check commits one vigil-flow-silent alert, as role all raises it,
// without moving the partition's position. Checks after that, on the
// node, on a node that takes the partition over (restoring the saved
// profile) and on one restarted after it, raise nothing more; the fenced
// node's release does not overwrite the new holder's profile. An API node
// then shows the source silent with its expected count, and the board
// pack's sources read the same.
func TestPartitionFlowSilentOnce(t *testing.T) {
	const host = "LAB-FEED-01"
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clk := newFakeClock(t0)
	key := t.TempDir()
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 4})
	var notified atomic.Int64
	p := bus.PartitionOf(host, testPartitions)
	h := flowDetector(t, db, clk, &notified)
	if _, err := h.Claim(p, 1); err != nil {
		t.Fatal(err)
	}
	var seq uint64
	feedMinutes(t, h, p, 1, host, t0, 0, 90, 10, &seq)

	clk.Set(t0.Add(91 * time.Minute))
	h.eachFlow(h.checkFlow)
	if got := flowAlerts(t, db.Alerts()); len(got) != 0 {
		t.Fatalf("flow alerts while the source sends: %d, want none", len(got))
	}
	clk.Set(t0.Add(120 * time.Minute))
	h.eachFlow(h.checkFlow)
	got := flowAlerts(t, db.Alerts())
	if len(got) != 1 || got[0].Host != host || got[0].Key != "http/" || got[0].Level != "medium" || notified.Load() != 1 {
		t.Fatalf("after the silence: %d flow alerts %+v, %d notified; want one medium alert for %s keyed http/, notified once",
			len(got), got, notified.Load(), host)
	}
	id := got[0].ID
	if pos, _, err := db.Alerts().ClaimPartition(context.Background(), p, 1); err != nil || pos != seq {
		t.Errorf("partition %d at %d (%v) after the flow commit, want %d", p, pos, err, seq)
	}

	steps := []struct {
		name  string
		epoch uint64 // claim p under it on a new node; 0: the same node checks again
		at    time.Duration
	}{
		{"the same node later", 0, 130 * time.Minute},
		{"a node taking the partition over", 2, 135 * time.Minute},
		{"a node restarted after it", 3, 150 * time.Minute},
	}
	cur := h
	for _, st := range steps {
		if st.epoch != 0 {
			prev := cur
			cur = flowDetector(t, db, clk, &notified)
			if _, err := cur.Claim(p, st.epoch); err != nil {
				t.Fatalf("%s: claim: %v", st.name, err)
			}
			saved, _ := db.FlowProfiles().Load(context.Background(), p)
			prev.Release(p) // fenced: must not overwrite the new holder's profile
			if after, _ := db.FlowProfiles().Load(context.Background(), p); !bytes.Equal(saved, after) {
				t.Errorf("%s: the fenced node's release overwrote the profile", st.name)
			}
		}
		clk.Set(t0.Add(st.at))
		cur.eachFlow(cur.checkFlow)
		if got := flowAlerts(t, db.Alerts()); len(got) != 1 || got[0].ID != id || notified.Load() != 1 {
			t.Errorf("%s: %d flow alerts, %d notified; want the one raised before, notified once", st.name, len(got), notified.Load())
		}
	}
	cur.Release(p) // saves the profile as it leaves

	judged, err := ReportSources(db, "", false).Flow.SourcesAt(clk.Now())
	if err != nil || len(judged) != 1 || judged[0].State != flow.KindSilent || judged[0].Expected <= 0 {
		t.Errorf("the board pack's sources: %+v, %v; want %s silent with an expected count", judged, err, host)
	}

	cfg := testConfig(t)
	cfg.Role, cfg.Node = RoleAPI, "api-1"
	cfg.Store.Postgres = PostgresConfig{DSN: pgtest.SchemaDSN(t, key), MaxConns: 4}
	cfg.Flow.Watch = flow.Options{Clock: clk.Now, Location: time.UTC}
	api := startService(t, cfg)
	var src sourcesAnswer
	api.do(t, "GET", "/api/v1/sources", testToken, nil, &src)
	if len(src.Sources) != 1 || src.Sources[0].Host != host || src.Sources[0].Listener != "http" ||
		src.Sources[0].State != flow.KindSilent || src.Sources[0].Expected <= 0 {
		t.Errorf("the API node's sources: %+v; want %s silent with an expected count", src.Sources, host)
	}
}

// failingCommits is a partition store whose next commit fails while fail
// is set.
type failingCommits struct {
	alert.PartitionStore
	fail atomic.Bool
}

func (f *failingCommits) CommitPartition(ctx context.Context, p int, epoch, seq uint64, state []byte, alerts []*alert.Alert, incidents []*alert.Incident) error {
	if f.fail.Swap(false) {
		return errors.New("connection reset by peer")
	}
	return f.PartitionStore.CommitPartition(ctx, p, epoch, seq, state, alerts, incidents)
}

// TestPartitionFlowWaits: a partition whose messages wait in the stream,
// the last processed stored long ago, is not judged (its sources' events
// are still to come); a flow commit that fails is made at the next check,
// once.
func TestPartitionFlowWaits(t *testing.T) {
	const host = "PACS-01"
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clk := newFakeClock(t0)
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{MaxConns: 4})
	var notified atomic.Int64
	var lagging atomic.Bool
	p := bus.PartitionOf(host, testPartitions)
	h := flowDetector(t, db, clk, &notified)
	store := &failingCommits{PartitionStore: h.store}
	h.store = store
	h.flow.lagging = func(int) bool { return lagging.Load() }
	if _, err := h.Claim(p, 1); err != nil {
		t.Fatal(err)
	}
	var seq uint64
	feedMinutes(t, h, p, 1, host, t0, 0, 90, 10, &seq)
	clk.Set(t0.Add(120 * time.Minute))
	steps := []struct {
		name          string
		lagging, fail bool
		alerts        int
	}{
		{name: "catching up", lagging: true},
		{name: "commit fails", fail: true},
		{name: "next check", alerts: 1},
		{name: "and the one after", alerts: 1},
	}
	for _, st := range steps {
		lagging.Store(st.lagging)
		store.fail.Store(st.fail)
		h.eachFlow(h.checkFlow)
		if got := flowAlerts(t, db.Alerts()); len(got) != st.alerts || notified.Load() != int64(st.alerts) {
			t.Errorf("%s: %d flow alerts, %d notified; want %d", st.name, len(got), notified.Load(), st.alerts)
		}
	}
}
