// Package bustest runs a real NATS JetStream cluster inside a Go test: n
// nats-server instances in the test's process, clustered over loopback, each
// storing its streams under the test's temporary folder. It is imported
// only by tests, so that the vigil binary does not link the server.
package bustest

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// readyWait bounds how long a server may take to accept connections and
// the cluster to elect its JetStream meta leader.
const readyWait = 60 * time.Second

// Cluster is a JetStream cluster of in-process servers. Its methods may be
// called from the test's goroutine and the goroutines it starts.
type Cluster struct {
	t    testing.TB
	mu   sync.Mutex
	opts []*server.Options
	srv  []*server.Server // nil where a server is killed
}

// NewCluster starts n servers clustered on loopback with ports chosen free, waits
// until JetStream has a meta leader that every server follows, and shuts
// the cluster down when the test ends. n must be at least 1; a one-server
// "cluster" runs JetStream unclustered.
func NewCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 1 {
		t.Fatalf("bustest: a cluster needs at least one server, not %d", n)
	}
	ports := freePorts(t, 2*n)
	c := &Cluster{t: t, opts: make([]*server.Options, n), srv: make([]*server.Server, n)}
	var routes []*url.URL
	if n > 1 {
		for i := range n {
			routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", ports[n+i])})
		}
	}
	dir := t.TempDir()
	for i := range n {
		c.opts[i] = serverOptions(i, ports[i], ports[n+i], filepath.Join(dir, fmt.Sprintf("n%d", i)), routes)
	}
	t.Cleanup(c.shutdown)
	for i := range n {
		c.start(i)
	}
	c.WaitReady()
	return c
}

func serverOptions(i, port, clusterPort int, store string, routes []*url.URL) *server.Options {
	o := &server.Options{
		ServerName:         fmt.Sprintf("n%d", i),
		Host:               "127.0.0.1",
		Port:               port,
		NoLog:              true,
		NoSigs:             true,
		JetStream:          true,
		StoreDir:           store,
		JetStreamMaxMemory: 64 << 20,
		JetStreamMaxStore:  4 << 30,
		MaxPayload:         8 << 20,
	}
	if len(routes) > 0 {
		o.Cluster = server.ClusterOpts{Name: "vigil-test", Host: "127.0.0.1", Port: clusterPort}
		o.Routes = routes
	}
	return o
}

// freePorts reserves n distinct loopback ports by listening on them at
// once, then frees them for the servers. Another process could take one in
// between; on loopback in a test that is rare enough, and fails loudly.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	var ls []net.Listener
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("bustest: reserve a loopback port: %v", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// start creates and starts server i from its options.
func (c *Cluster) start(i int) {
	c.t.Helper()
	s, err := server.NewServer(c.opts[i])
	if err != nil {
		c.t.Fatalf("bustest: create server %d: %v", i, err)
	}
	s.Start()
	if !s.ReadyForConnections(readyWait) {
		s.Shutdown()
		c.t.Fatalf("bustest: server %d not accepting connections on port %d after %v", i, c.opts[i].Port, readyWait)
	}
	c.mu.Lock()
	c.srv[i] = s
	c.mu.Unlock()
}

// URLs are the client URLs of every server, killed ones included (a
// client reconnects to them once they are restarted).
func (c *Cluster) URLs() []string {
	urls := make([]string, len(c.opts))
	for i, o := range c.opts {
		urls[i] = fmt.Sprintf("nats://127.0.0.1:%d", o.Port)
	}
	return urls
}

// Kill shuts server i down at once, dropping its clients and routes, as a
// crashed node would disappear. Its stored data stays for Restart.
func (c *Cluster) Kill(i int) {
	c.mu.Lock()
	s := c.srv[i]
	c.srv[i] = nil
	c.mu.Unlock()
	if s == nil {
		return
	}
	s.Shutdown()
	s.WaitForShutdown()
}

// Restart starts server i again on its ports and its stored data, and
// waits until the cluster has a meta leader that it follows.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	c.mu.Lock()
	running := c.srv[i] != nil
	c.mu.Unlock()
	if running {
		c.t.Fatalf("bustest: restart server %d: it is running", i)
	}
	c.start(i)
	c.WaitReady()
}

// Server returns server i, or nil while it is killed.
func (c *Cluster) Server(i int) *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.srv[i]
}

// WaitReady waits until one running server is the JetStream meta leader
// and every running server is current with it.
func (c *Cluster) WaitReady() {
	c.t.Helper()
	deadline := time.Now().Add(readyWait)
	for time.Now().Before(deadline) {
		if c.ready() {
			return
		}
		time.Sleep(20 * time.Millisecond) // polling the servers' own state
	}
	c.t.Fatalf("bustest: no JetStream meta leader followed by every server after %v: %s", readyWait, c.state())
}

// state says, for a failing test, how each server sees the meta group.
func (c *Cluster) state() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for i, s := range c.srv {
		if s == nil {
			fmt.Fprintf(&b, "n%d killed; ", i)
			continue
		}
		fmt.Fprintf(&b, "n%d current=%t leader=%t peers=%d; ", i, s.JetStreamIsCurrent(), s.JetStreamIsLeader(), len(s.JetStreamClusterPeers()))
	}
	return b.String()
}

func (c *Cluster) ready() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.srv) == 1 {
		return c.srv[0] != nil && c.srv[0].JetStreamEnabled() // no meta group to elect
	}
	running := 0
	var leader *server.Server
	for _, s := range c.srv {
		if s == nil {
			continue
		}
		running++
		if !s.JetStreamEnabled() || !s.JetStreamIsCurrent() {
			return false
		}
		if s.JetStreamIsLeader() {
			if leader != nil {
				return false
			}
			leader = s
		}
	}
	// The leader must also count every running server among the meta
	// group's peers: a leader killed before a follower joined the peer set
	// would leave the others without a quorum they can see.
	return leader != nil && len(leader.JetStreamClusterPeers()) >= running
}

func (c *Cluster) shutdown() {
	for i := range c.srv {
		c.Kill(i)
	}
}

// StoredMsgs is the number of messages server i's own replica of stream
// holds (in the default account), and false while the server is killed or
// has no replica: to tell when a restarted server has caught up.
func (c *Cluster) StoredMsgs(i int, stream string) (uint64, bool) {
	s := c.Server(i)
	if s == nil {
		return 0, false
	}
	acc, err := s.JszAccount(&server.JSzOptions{Account: server.DEFAULT_GLOBAL_ACCOUNT, Streams: true})
	if err != nil {
		return 0, false
	}
	for _, sd := range acc.Streams {
		if sd.Name == stream {
			return sd.State.Msgs, true
		}
	}
	return 0, false
}
