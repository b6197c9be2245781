package scaletest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/bus/bustest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/serve"
)

// childEnv, when set, makes the test binary a detect node (TestMain)
// instead of running tests: the tests start detect nodes as processes so
// that they can kill them as a crash would.
const childEnv = "VIGIL_SCALETEST_DETECT"

// token is every node's admin bearer token.
const token = "scaletest-admin-token"

// Settings of the scaled-out deployment under test: few partitions, so
// that two nodes share them unevenly enough to matter, and a short lease
// TTL, so that a killed node's partitions move within seconds.
const (
	partitions = 8
	leaseTTL   = 2 * time.Second
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild runs the service its VIGIL_* variables configure until SIGTERM,
// printing "ready ADDR" once it serves.
func runChild() int {
	cfg := serve.DefaultConfig()
	if err := cfg.ApplyEnv(os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := serve.New(cfg, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	fmt.Printf("ready %s\n", svc.Addr())
	if err := svc.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// deployment is one scaled-out Vigil under test: its NATS cluster and its
// PostgreSQL schema.
type deployment struct {
	t       testing.TB
	cluster *bustest.Cluster
	dsn     string // the test server's, on this test's schema
	key     string // the schema's key (pgtest.Schema)
	// noEvents sets store.postgres.events false on every node started.
	noEvents bool
	events   string // the embedded service's event search counts (reference)
	// estate is the estate section of every node started in the test's
	// process (the feeds an API node checks assets against).
	estate serve.EstateConfig
	groups string // the embedded service's incident grouping (reference)
}

func newDeployment(t testing.TB) *deployment {
	t.Helper()
	key := t.TempDir()
	dsn := pgtest.SchemaDSN(t, key)
	return &deployment{t: t, cluster: bustest.NewCluster(t, 3), dsn: dsn, key: key}
}

// db opens the deployment's database in the test, as vigil token create
// --postgres and the other commands do.
func (d *deployment) db(t testing.TB) *pgstore.DB {
	t.Helper()
	return pgtest.Open(t, d.key, pgstore.Options{MaxConns: 1})
}

// busConfig is every node's bus section.
func (d *deployment) busConfig() *bus.Config {
	return &bus.Config{
		URLs: d.cluster.URLs(), Replicas: 3, Partitions: partitions,
		LeaseTTL: leaseTTL, AckTimeout: 5 * time.Second,
	}
}

// node is a service running in the test's process.
type node struct {
	base string
	stop func()
}

// startNode runs a service of role in the test's process until the test
// ends (or stop). Role all runs over its own data folder, without the bus.
func (d *deployment) startNode(role serve.Role) *node {
	d.t.Helper()
	cfg := serve.DefaultConfig()
	cfg.Role, cfg.Data, cfg.HTTP, cfg.AdminToken = role, d.t.TempDir(), "127.0.0.1:0", token
	cfg.Estate = d.estate
	if role != serve.RoleAll {
		cfg.Store.Postgres = serve.PostgresConfig{DSN: d.dsn, MaxConns: 4}
		if d.noEvents {
			cfg.Store.Postgres.Events = new(false)
		}
	}
	if role != serve.RoleAll && role != serve.RoleAPI { // an API node needs no bus
		cfg.Bus.NATS = d.busConfig()
	}
	return startService(d.t, cfg)
}

func startService(t testing.TB, cfg serve.Config) *node {
	t.Helper()
	svc, err := serve.New(cfg, testLogger())
	if err != nil {
		t.Fatalf("start a %s node: %v", cfg.Role, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var stopped bool
	n := &node{base: "http://" + svc.Addr().String()}
	n.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s node: %v", cfg.Role, err)
		}
	}
	t.Cleanup(n.stop)
	return n
}

func testLogger() *slog.Logger {
	var w io.Writer = io.Discard
	if testing.Verbose() {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// child is a detect node running as a process of its own.
type child struct {
	name string
	cmd  *exec.Cmd
	base string
	done chan struct{}
	err  error // how the process ended, once done is closed
}

// startDetect starts a detect node called name as a child process, and
// waits until it serves.
func (d *deployment) startDetect(name string) *child {
	d.t.Helper()
	nc := d.busConfig()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		childEnv+"=1",
		"VIGIL_ROLE=detect",
		"VIGIL_NODE="+name,
		"VIGIL_DATA="+d.t.TempDir(),
		"VIGIL_HTTP=127.0.0.1:0",
		"VIGIL_BUS_NATS_URLS="+strings.Join(nc.URLs, ","),
		fmt.Sprintf("VIGIL_BUS_NATS_REPLICAS=%d", nc.Replicas),
		fmt.Sprintf("VIGIL_BUS_NATS_PARTITIONS=%d", nc.Partitions),
		"VIGIL_BUS_NATS_LEASE_TTL="+nc.LeaseTTL.String(),
		"VIGIL_BUS_NATS_ACK_TIMEOUT="+nc.AckTimeout.String(),
		"VIGIL_STORE_POSTGRES_DSN="+d.dsn,
		"VIGIL_STORE_POSTGRES_MAX_CONNS=4",
		fmt.Sprintf("VIGIL_STORE_POSTGRES_EVENTS=%t", !d.noEvents),
	)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		d.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		d.t.Fatalf("start detect node %s: %v", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- addr
			}
		}
		c.err = cmd.Wait()
	}()
	d.t.Cleanup(c.kill)
	select {
	case addr := <-ready:
		c.base = "http://" + addr
	case <-c.done:
		d.t.Fatalf("detect node %s exited before serving", name)
	case <-time.After(time.Minute):
		d.t.Fatalf("detect node %s did not serve within a minute", name)
	}
	return c
}

// kill ends the node with SIGKILL, as a crash would: it neither commits
// nor gives its leases up.
func (c *child) kill() {
	if c.cmd.Process != nil {
		c.cmd.Process.Kill()
	}
	<-c.done
}

// stop ends the node with SIGTERM, as an operator would: it commits its
// batch in hand, gives its leases up and saves what it learned. The
// process must end cleanly within a minute.
func (c *child) stop(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("stop detect node %s: %v", c.name, err)
	}
	select {
	case <-c.done:
	case <-time.After(time.Minute):
		t.Fatalf("detect node %s did not stop within a minute of SIGTERM", c.name)
	}
	if c.err != nil {
		t.Fatalf("detect node %s stopped with %v", c.name, c.err)
	}
}
