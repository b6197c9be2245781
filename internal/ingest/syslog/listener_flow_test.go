package syslog

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// TestListenerOverloaded checks that batches the sink answers
// ErrOverloaded are retried until taken, and none is lost.
func TestListenerOverloaded(t *testing.T) {
	sink := &recordSink{overloads: 3}
	l, stop := startListener(t, ListenerConfig{TCP: "127.0.0.1:0", BatchSize: 10, BatchDelay: time.Millisecond}, sink, &recordQuarantine{})
	_, addr, _ := l.Addrs()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range 25 {
		io.WriteString(conn, syslogLine(i))
	}
	waitFor(t, "25 events", func() bool { return len(sink.snapshot()) == 25 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.SinkRetries != 3 || st.Events != 25 || st.Lost != 0 {
		t.Errorf("stats %+v; want 3 retries, 25 events, none lost", st)
	}
	for i, ev := range sink.snapshot() {
		if !strings.Contains(ev, syslogMessage(i)) {
			t.Fatalf("event %d = %s, want %q", i, ev, syslogMessage(i))
		}
	}
}

// TestListenerUDPDrops blocks the sink and floods UDP: the queue stays
// within its bound, the excess is dropped and counted, and what was
// queued arrives once the sink takes it.
func TestListenerUDPDrops(t *testing.T) {
	sink := &recordSink{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	const queue, n = 16, 200
	l, stop := startListener(t, ListenerConfig{UDP: "127.0.0.1:0", BatchSize: 4, QueueSize: queue}, sink, &recordQuarantine{})
	addr, _, _ := l.Addrs()
	conn, err := net.Dial("udp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range n {
		io.WriteString(conn, syslogLine(i))
		if i%16 == 15 {
			waitFor(t, "datagrams read", func() bool { return l.Stats().UDP.Messages == int64(i+1) })
		}
	}
	waitFor(t, "every datagram read", func() bool { return l.Stats().UDP.Messages == n })
	// One batch of at most 4 is in Accept, the queue is full, the rest
	// was dropped.
	st := l.Stats()
	if st.Queued != queue || st.UDPDrops < n-queue-4 {
		t.Fatalf("with the sink blocked: %+v; want at most %d queued and the rest of %d dropped", st, queue, n)
	}
	close(sink.block)
	waitFor(t, "queued events", func() bool { return int64(len(sink.snapshot()))+l.Stats().UDPDrops == n })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestListenerShutdownFlushes cancels a listener holding a partial batch
// (BatchDelay is an hour) and checks that Run hands it to the sink first.
func TestListenerShutdownFlushes(t *testing.T) {
	sink := &recordSink{}
	l, stop := startListener(t, ListenerConfig{TCP: "127.0.0.1:0", UDP: "127.0.0.1:0", BatchSize: 1000, BatchDelay: time.Hour}, sink, &recordQuarantine{})
	_, addr, _ := l.Addrs()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := bufio.NewWriter(conn)
	for i := range 50 {
		w.WriteString(syslogLine(i))
	}
	w.Flush()
	waitFor(t, "50 messages read", func() bool { return l.Stats().TCP.Messages == 50 })
	if n := len(sink.snapshot()); n != 0 {
		t.Fatalf("%d events before shutdown; want the batch held", n)
	}
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n, st := len(sink.snapshot()), l.Stats(); n != 50 || st.ConnsOpen != 0 || st.Batches != 1 {
		t.Fatalf("after shutdown %d events, stats %+v; want 50 in one batch, no connection open", n, st)
	}
	// The server closed the connection: the client reads its end.
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("client read after shutdown: %v, want EOF", err)
	}
}

// TestListenerDrainTimeout checks that a sink that never takes the last
// batch cannot hold Run past DrainTimeout, and that the loss is reported.
func TestListenerDrainTimeout(t *testing.T) {
	sink := &recordSink{overloads: 1 << 30}
	l, stop := startListener(t, ListenerConfig{TCP: "127.0.0.1:0", BatchSize: 100, BatchDelay: time.Hour, DrainTimeout: 100 * time.Millisecond}, sink, &recordQuarantine{})
	_, addr, _ := l.Addrs()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range 7 {
		io.WriteString(conn, syslogLine(i))
	}
	waitFor(t, "7 messages read", func() bool { return l.Stats().TCP.Messages == 7 })
	start := time.Now()
	err = stop()
	if err == nil || !strings.Contains(err.Error(), "7 events read but not stored") {
		t.Fatalf("Run = %v; want 7 events not stored", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %v to return", d)
	}
	if st := l.Stats(); st.Lost != 7 || st.Events != 0 {
		t.Errorf("stats %+v; want 7 lost", st)
	}
}

// TestListenerIdleTimeout checks that a silent connection is closed.
func TestListenerIdleTimeout(t *testing.T) {
	l, _ := startListener(t, ListenerConfig{TCP: "127.0.0.1:0", IdleTimeout: 100 * time.Millisecond}, &recordSink{}, &recordQuarantine{})
	_, addr, _ := l.Addrs()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	waitFor(t, "the connection to open", func() bool { return l.Stats().ConnsOpen == 1 })
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read on an idle connection: %v, want EOF from the server closing it", err)
	}
	waitFor(t, "the connection to be forgotten", func() bool { return l.Stats().ConnsOpen == 0 })
}

func TestNewListenerErrors(t *testing.T) {
	serverTLS, _ := testTLS(t)
	tests := []struct {
		name string
		cfg  ListenerConfig
		want string
	}{
		{"no address", ListenerConfig{}, "no address"},
		{"TLS without config", ListenerConfig{TLS: "127.0.0.1:0"}, "needs a TLSConfig"},
		{"negative", ListenerConfig{TCP: "127.0.0.1:0", BatchSize: -1}, "BatchSize is negative"},
		{"bad address", ListenerConfig{TCP: "127.0.0.1:99999"}, "TCP 127.0.0.1:99999"},
		{"bad second address", ListenerConfig{TCP: "127.0.0.1:0", TLS: "nowhere:x", TLSConfig: serverTLS}, "TLS nowhere:x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := NewListener(tt.cfg, &recordSink{}, &recordQuarantine{}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewListener = %v, %v; want an error saying %q", l, err, tt.want)
			}
		})
	}
}

// concurrentSink counts how many Accept calls are in progress at once.
type concurrentSink struct {
	mu           sync.Mutex
	now, most, n int
	release      chan struct{}
}

func (s *concurrentSink) Accept(ctx context.Context, evs []*event.Event) error {
	s.mu.Lock()
	s.now++
	s.most = max(s.most, s.now)
	s.n += len(evs)
	s.mu.Unlock()
	<-s.release
	s.mu.Lock()
	s.now--
	s.mu.Unlock()
	return nil
}

// TestListenerBatchesInFlight shows several batches on their way to the
// sink at once, so that a write-ahead log can commit them with one fsync.
func TestListenerBatchesInFlight(t *testing.T) {
	sink := &concurrentSink{release: make(chan struct{})}
	l, stop := startListener(t, ListenerConfig{TCP: "127.0.0.1:0", BatchSize: 10, Batchers: 3, BatchDelay: time.Millisecond}, sink, &recordQuarantine{})
	_, tcp, _ := l.Addrs()
	conn, err := net.Dial("tcp", tcp.String())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		fmt.Fprintf(conn, "<13>1 2024-03-05T10:00:00Z host app - - - m%d\n", i)
	}
	conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sink.mu.Lock()
		most := sink.most
		sink.mu.Unlock()
		if most == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("at most %d batches in flight, want 3", most)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(sink.release)
	for l.Stats().TCP.Messages < 60 { // all read before the stop cuts reading off
		if time.Now().After(deadline) {
			t.Fatalf("read %d messages, want 60", l.Stats().TCP.Messages)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if sink.n != 60 {
		t.Errorf("sink got %d events, want 60", sink.n)
	}
}
