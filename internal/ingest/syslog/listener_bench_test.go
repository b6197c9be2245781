package syslog

import (
	"bufio"
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// countSink counts the events it takes.
type countSink struct{ n atomic.Int64 }

func (s *countSink) Accept(_ context.Context, evs []*event.Event) error {
	s.n.Add(int64(len(evs)))
	return nil
}

// BenchmarkListenerTCP sends RFC 5424 messages over one loopback TCP
// connection, newline-framed, and counts the events that reach the sink.
func BenchmarkListenerTCP(b *testing.B) {
	sink := &countSink{}
	l, err := NewListener(ListenerConfig{TCP: "127.0.0.1:0", Reference: func() time.Time { return testRef }}, sink, &recordQuarantine{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	_, addr, _ := l.Addrs()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	line := []byte(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry` + "\n")
	w := bufio.NewWriterSize(conn, 64<<10)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.Write(line)
	}
	w.Flush()
	for sink.n.Load() < int64(b.N) { // the time counts until every event is in
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
