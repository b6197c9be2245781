package syslog

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// exampleLines returns every non-blank line of the syslog examples.
func exampleLines(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "health-examples", "syslog"), "*"))
	if err != nil || len(files) < 20 {
		t.Fatalf("syslog examples: %v, %d files", err, len(files))
	}
	var lines []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for l := range strings.SplitSeq(string(data), "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, strings.TrimSuffix(l, "\r"))
			}
		}
	}
	return lines
}

// expectFor parses lines as the listener should and returns the rendered
// events and the lines that must be quarantined.
func expectFor(lines []string, source string) (events, quarantined []string) {
	for _, l := range lines {
		var ev event.Event
		if err := Parse([]byte(l), &ev, testRef); errors.Is(err, ErrBinary) {
			quarantined = append(quarantined, l)
			continue
		}
		ev.Source = source
		if ev.Host == "" {
			ev.Host = "127.0.0.1"
		}
		events = append(events, render(&ev))
	}
	return events, quarantined
}

// TestListenerExamples sends the real syslog examples over each transport
// and checks that each arrives as the event Parse makes of it, in order
// on a stream, and that binary lines are quarantined.
func TestListenerExamples(t *testing.T) {
	lines := exampleLines(t)
	serverTLS, clientTLS := testTLS(t)
	dialers := map[string]func(l *Listener) (net.Conn, error){
		"tcp": func(l *Listener) (net.Conn, error) { _, a, _ := l.Addrs(); return net.Dial("tcp", a.String()) },
		"tls": func(l *Listener) (net.Conn, error) {
			_, _, a := l.Addrs()
			return tls.Dial("tcp", a.String(), clientTLS)
		},
		"udp": func(l *Listener) (net.Conn, error) { a, _, _ := l.Addrs(); return net.Dial("udp", a.String()) },
	}
	for _, transport := range []string{"tcp", "tls", "udp"} {
		for _, octets := range []bool{false, true} {
			if transport == "udp" && octets {
				continue
			}
			name := transport
			if octets {
				name += "/octet-counting"
			}
			t.Run(name, func(t *testing.T) {
				sink, q := &recordSink{}, &recordQuarantine{}
				l, stop := startListener(t, ListenerConfig{UDP: "127.0.0.1:0", TCP: "127.0.0.1:0", TLS: "127.0.0.1:0", TLSConfig: serverTLS, BatchSize: 16}, sink, q)
				conn, err := dialers[transport](l)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				send(t, l, conn, transport, lines, octets)
				wantEvents, wantQ := expectFor(lines, "syslog/"+transport)
				waitFor(t, "every event", func() bool { return len(sink.snapshot()) >= len(wantEvents) })
				if err := stop(); err != nil {
					t.Fatalf("Run: %v", err)
				}
				got := sink.snapshot()
				if transport == "udp" { // datagrams may be reordered
					slices.Sort(got)
					slices.Sort(wantEvents)
				}
				if !slices.Equal(got, wantEvents) {
					for i := range min(len(got), len(wantEvents)) {
						if got[i] != wantEvents[i] {
							t.Fatalf("event %d:\n got %s\nwant %s", i, got[i], wantEvents[i])
						}
					}
					t.Fatalf("got %d events, want %d", len(got), len(wantEvents))
				}
				var gotQ []string
				for _, r := range q.snapshot() {
					gotQ = append(gotQ, r.raw)
					if !errors.Is(r.reason, ErrBinary) || r.listener != "syslog/"+transport || !strings.HasPrefix(r.peer, "127.0.0.1:") {
						t.Errorf("quarantined %q from %s %s: %v; want ErrBinary", r.raw, r.listener, r.peer, r.reason)
					}
				}
				if !slices.Equal(gotQ, wantQ) {
					t.Errorf("quarantined %q, want %q", gotQ, wantQ)
				}
				st := l.Stats()
				ts := map[string]TransportStats{"udp": st.UDP, "tcp": st.TCP, "tls": st.TLS}[transport]
				if ts.Messages != int64(len(lines)) || st.Events != int64(len(wantEvents)) || st.Quarantined != int64(len(wantQ)) || st.ConnsOpen != 0 {
					t.Errorf("stats %+v; want %d messages, %d events, %d quarantined, no connection open", st, len(lines), len(wantEvents), len(wantQ))
				}
			})
		}
	}
}

// send writes lines to conn: a datagram each over UDP (paced by what the
// listener has read, so that the kernel drops none), else one stream,
// octet-counted when asked and the line starts with a PRI.
func send(t *testing.T, l *Listener, conn net.Conn, transport string, lines []string, octets bool) {
	t.Helper()
	if transport == "udp" {
		for i, line := range lines {
			if _, err := conn.Write([]byte(line)); err != nil {
				t.Fatal(err)
			}
			if i%16 == 15 {
				waitFor(t, "datagrams read", func() bool { return l.Stats().UDP.Messages == int64(i+1) })
			}
		}
		return
	}
	w := bufio.NewWriter(conn)
	for _, line := range lines {
		if octets && strings.HasPrefix(line, "<") {
			w.WriteString(octetFrame(line))
		} else {
			w.WriteString(line + "\n")
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestListenerBadMessages sends malformed and oversized messages between
// good ones on one connection: the bad ones are quarantined with their
// reason, cut to MaxMessage, and every good one arrives.
func TestListenerBadMessages(t *testing.T) {
	sink, q := &recordSink{}, &recordQuarantine{}
	l, stop := startListener(t, ListenerConfig{TCP: "127.0.0.1:0", UDP: "127.0.0.1:0", MaxMessage: 100}, sink, q)
	_, tcpAddr, _ := l.Addrs()
	conn, err := net.Dial("tcp", tcpAddr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	big := "<13>Mar  5 10:00:01 host app: " + strings.Repeat("z", 200)
	stream := "<13>Mar  5 10:00:01 host app: one\n" +
		"<13>Mar  5 10:00:01 host app: bin\x00ary\n" +
		big + "\n" +
		octetFrame("<13>Mar  5 10:00:01 host app: two") +
		octetFrame(big) +
		"<13>Mar  5 10:00:01 host app: \xff\xfe\n" +
		octetFrame("<13>Mar  5 10:00:01 host app: three")
	if _, err := io.WriteString(conn, stream); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three events", func() bool { return len(sink.snapshot()) == 3 })

	udpAddr, _, _ := l.Addrs()
	uc, err := net.Dial("udp", udpAddr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	if _, err := io.WriteString(uc, big); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "five quarantined", func() bool { return len(q.snapshot()) == 5 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"one", "two", "three"} {
		if got := sink.snapshot()[i]; !strings.Contains(got, `message = "`+want+`"`) {
			t.Errorf("event %d = %s, want message %q", i, got, want)
		}
	}
	wantQ := []struct {
		listener string
		raw      string
		reason   error
		says     string
	}{
		{"syslog/tcp", "<13>Mar  5 10:00:01 host app: bin\x00ary", ErrBinary, "NUL byte at byte 33"},
		{"syslog/tcp", big[:100], ErrOversize, "line over the 100-byte limit"},
		{"syslog/tcp", big[:100], ErrOversize, "230-byte frame"},
		{"syslog/tcp", "<13>Mar  5 10:00:01 host app: \xff\xfe", ErrBinary, "invalid UTF-8 at byte 30"},
		{"syslog/udp", big[:100], ErrOversize, "datagram over the 100-byte limit"},
	}
	got := q.snapshot()
	for i, w := range wantQ {
		r := got[i]
		if r.listener != w.listener || r.raw != w.raw || !errors.Is(r.reason, w.reason) || !strings.Contains(r.reason.Error(), w.says) || !strings.Contains(r.reason.Error(), "from 127.0.0.1:") {
			t.Errorf("quarantined %d = %s %q: %v\nwant %s %q: %v saying %q", i, r.listener, r.raw, r.reason, w.listener, w.raw, w.reason, w.says)
		}
	}
	st := l.Stats()
	if st.Quarantined != 5 || st.ParseErrors != 2 || st.TCP.Messages != 7 || st.UDP.Messages != 1 || st.Conns != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestListenerBackPressure blocks the sink and checks that a TCP
// connection is read no further than the queue and one batch hold, and
// that every message arrives, in order, once the sink takes them.
func TestListenerBackPressure(t *testing.T) {
	sink := &recordSink{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	const batch, queue, n = 4, 8, 5000
	l, stop := startListener(t, ListenerConfig{TCP: "127.0.0.1:0", BatchSize: batch, QueueSize: queue, BatchDelay: time.Hour}, sink, &recordQuarantine{})
	_, addr, _ := l.Addrs()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	writeErr := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(conn)
		for i := range n {
			w.WriteString(syslogLine(i))
		}
		writeErr <- w.Flush()
	}()
	<-sink.entered
	// Once the first batch is in Accept, the queue fills and the reader
	// stops: the count settles at batch + queue + the one it holds.
	waitFor(t, "reading to stop", func() bool { return l.Stats().TCP.Messages == batch+queue+1 })
	time.Sleep(100 * time.Millisecond)
	if st := l.Stats(); st.TCP.Messages != batch+queue+1 || st.Queued != queue {
		t.Fatalf("while the sink blocks, read %d messages with %d queued; want %d and %d", st.TCP.Messages, st.Queued, batch+queue+1, queue)
	}
	close(sink.block)
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every event", func() bool { return len(sink.snapshot()) == n })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for i, ev := range sink.snapshot() {
		if !strings.Contains(ev, syslogMessage(i)) {
			t.Fatalf("event %d = %s, want %q", i, ev, syslogMessage(i))
		}
	}
	for _, b := range sink.batches {
		if b > batch {
			t.Fatalf("a batch of %d events, over BatchSize %d", b, batch)
		}
	}
}

func syslogMessage(i int) string { return `message = "number ` + strconv.Itoa(i) + `"` }
func syslogLine(i int) string {
	return "<13>Mar  5 10:00:01 host app: number " + strconv.Itoa(i) + "\n"
}
