package bustest

import (
	"testing"

	"github.com/nats-io/nats.go"
)

func TestClusterKillRestart(t *testing.T) {
	c := NewCluster(t, 3)
	urls := c.URLs()
	if len(urls) != 3 {
		t.Fatalf("%d URLs, want 3", len(urls))
	}
	c.Kill(0)
	if c.Server(0) != nil {
		t.Fatal("server 0 still running after Kill")
	}
	c.WaitReady() // two of three elect a meta leader
	nc, err := nats.Connect(urls[1])
	if err != nil {
		t.Fatalf("connect to a surviving server: %v", err)
	}
	nc.Close()
	c.Restart(0)
	if s := c.Server(0); s == nil || !s.JetStreamIsCurrent() {
		t.Fatal("server 0 not current after Restart")
	}
	if got := c.URLs()[0]; got != urls[0] {
		t.Errorf("server 0 restarted at %s, want its old URL %s", got, urls[0])
	}
	if _, ok := c.StoredMsgs(0, "NO_SUCH_STREAM"); ok {
		t.Error("StoredMsgs found a stream that does not exist")
	}
}
