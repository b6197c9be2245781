package scaletest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/serve"
)

// settle bounds how long the detect nodes may take to commit everything
// after the last batch is acknowledged, take-overs included.
const settle = 3 * time.Minute

// TestSameAlertsAsEmbedded: the demo trust's events sent to two ingest
// nodes, detected by two detect nodes, give the alerts (rule, host, key,
// count) the embedded single process gives on the same events, the API
// node's event searches count what the embedded service's do, and the
// stream holds each acknowledged event once.
func TestSameAlertsAsEmbedded(t *testing.T) {
	d := newDeployment(t)
	want, accepted := reference(t, d)
	ingest := []*node{d.startNode(serve.RoleIngest), d.startNode(serve.RoleIngest)}
	api := d.startNode(serve.RoleAPI)
	d.startDetect("det-1")
	d.startDetect("det-2")
	d.waitForShares(t)
	got := 0
	for i, b := range batches(t) {
		got += send(t, ingest[i%len(ingest)].base, b)
	}
	if got != accepted {
		t.Fatalf("ingest nodes accepted %d events, the embedded service %d", got, accepted)
	}
	waitForAlerts(t, api.base, want, settle)
	waitForEvents(t, api.base, d.events)
	if n := d.streamMsgs(t); n != uint64(accepted) {
		t.Errorf("the stream holds %d events, %d were acknowledged", n, accepted)
	}
}

// TestKillServerAndDetector: killing one NATS server of three and one of
// two detect nodes (SIGKILL) a third of the way through loses no
// acknowledged event and duplicates no alert; the events searched on the
// API node are each acknowledged event once, those the killed node stored
// without committing included.
func TestKillServerAndDetector(t *testing.T) {
	d := newDeployment(t)
	want, accepted := reference(t, d)
	ingest := []*node{d.startNode(serve.RoleIngest), d.startNode(serve.RoleIngest)}
	api := d.startNode(serve.RoleAPI)
	victim := d.startDetect("det-1")
	d.startDetect("det-2")
	d.waitForShares(t)
	all := batches(t)
	got := 0
	for i, b := range all {
		if i == len(all)/3 {
			d.cluster.Kill(d.streamLeader(t)) // the hardest server to lose
			victim.kill()
		}
		got += send(t, ingest[i%len(ingest)].base, b)
	}
	if got != accepted {
		t.Fatalf("ingest nodes accepted %d events, the embedded service %d", got, accepted)
	}
	waitForAlerts(t, api.base, want, settle)
	waitForEvents(t, api.base, d.events)
	if n := d.streamMsgs(t); n != uint64(accepted) {
		t.Errorf("the stream holds %d events, %d were acknowledged", n, accepted)
	}
	if held := d.leases(t); held["det-1"] != 0 || held["det-2"] != partitions {
		t.Errorf("partition leases %v: want all %d with det-2", held, partitions)
	}
}

// TestDetectorJoins: a detect node started half way through takes its
// share of the partitions from the one running, and the alerts stay those
// of the embedded service.
func TestDetectorJoins(t *testing.T) {
	d := newDeployment(t)
	want, accepted := reference(t, d)
	ingest := d.startNode(serve.RoleIngest)
	api := d.startNode(serve.RoleAPI)
	d.startDetect("det-1")
	waitFor(t, 30*time.Second, "det-1 to hold every partition", func() bool { return d.leases(t)["det-1"] == partitions })
	all := batches(t)
	got := 0
	for i, b := range all {
		if i == len(all)/2 {
			d.startDetect("det-2")
			waitFor(t, 30*time.Second, "det-2 to take half the partitions", func() bool {
				held := d.leases(t)
				return held["det-1"] == partitions/2 && held["det-2"] == partitions/2
			})
		}
		got += send(t, ingest.base, b)
	}
	if got != accepted {
		t.Fatalf("the ingest node accepted %d events, the embedded service %d", got, accepted)
	}
	waitForAlerts(t, api.base, want, settle)
}

// waitForShares waits until det-1 and det-2 hold half the partitions each.
func (d *deployment) waitForShares(t *testing.T) {
	t.Helper()
	waitFor(t, 30*time.Second, "det-1 and det-2 to hold half the partitions each", func() bool {
		held := d.leases(t)
		return held["det-1"] == partitions/2 && held["det-2"] == partitions/2
	})
}

// streamLeader is the index of the server leading the event stream.
func (d *deployment) streamLeader(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := d.connect(t).Stream(ctx, bus.DefaultStream)
	if err != nil {
		t.Fatalf("stream %s: %v", bus.DefaultStream, err)
	}
	info, err := s.Info(ctx)
	if err != nil || info.Cluster == nil {
		t.Fatalf("stream %s: no cluster information: %v", bus.DefaultStream, err)
	}
	var i int
	if _, err := fmt.Sscanf(info.Cluster.Leader, "n%d", &i); err != nil {
		t.Fatalf("stream leader %q is not a bustest server name", info.Cluster.Leader)
	}
	return i
}

// connect opens a client connection to the cluster for inspection.
func (d *deployment) connect(t testing.TB) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(strings.Join(d.cluster.URLs(), ","), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatalf("connect to the cluster: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// streamMsgs is how many events the stream holds.
func (d *deployment) streamMsgs(t *testing.T) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := d.connect(t).Stream(ctx, bus.DefaultStream)
	if err != nil {
		t.Fatalf("stream %s: %v", bus.DefaultStream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("stream %s: %v", bus.DefaultStream, err)
	}
	return info.State.Msgs
}

// leases counts the partitions each node holds, from the lease bucket.
func (d *deployment) leases(t *testing.T) map[string]int {
	t.Helper()
	held := map[string]int{}
	for _, node := range d.holders(t) {
		held[node]++
	}
	return held
}

// holders names the node holding each partition, from the lease bucket.
func (d *deployment) holders(t *testing.T) map[int]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv, err := d.connect(t).KeyValue(ctx, bus.DefaultStream+"_LEASES")
	if err != nil {
		t.Fatalf("lease bucket: %v", err)
	}
	out := map[int]string{}
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		t.Fatalf("lease bucket keys: %v", err)
	}
	for k := range keys.Keys() {
		num, ok := strings.CutPrefix(k, "p.")
		p, err := strconv.Atoi(num)
		if !ok || err != nil {
			continue
		}
		e, err := kv.Get(ctx, k)
		if err != nil {
			continue // expired or given up since listed
		}
		node, _, _ := strings.Cut(string(e.Value()), "/")
		out[p] = node
	}
	return out
}
