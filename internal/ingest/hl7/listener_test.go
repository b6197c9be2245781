package hl7

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// memSink keeps what it accepts; while overload > 0 it refuses each call
// with ErrOverloaded and counts down.
type memSink struct {
	mu       sync.Mutex
	overload int
	fail     error
	calls    int
	events   []storedEvent
}

type storedEvent struct{ source, host, typ, controlID string }

var (
	fieldType    = event.Intern("hl7.type")
	fieldControl = event.Intern("hl7.control_id")
)

func (s *memSink) Accept(_ context.Context, evs []*event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.overload > 0 {
		s.overload--
		return ingest.ErrOverloaded
	}
	if s.fail != nil {
		return s.fail
	}
	for _, ev := range evs {
		typ, _ := ev.Get(fieldType)
		ctl, _ := ev.Get(fieldControl)
		s.events = append(s.events, storedEvent{ev.Source, ev.Host, typ, ctl})
	}
	return nil
}

func (s *memSink) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *memSink) stored() []storedEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]storedEvent(nil), s.events...)
}

type memQuarantine struct {
	mu      sync.Mutex
	reasons []string
}

func (q *memQuarantine) Reject(listener, peer string, raw []byte, reason error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.reasons = append(q.reasons, listener+": "+reason.Error())
}

func (q *memQuarantine) list() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.reasons...)
}

// startListener runs a listener on a loopback port until the test ends.
func startListener(t *testing.T, cfg ListenerConfig, sink ingest.Sink, q ingest.Quarantine) *Listener {
	t.Helper()
	if cfg.TCP == "" && cfg.TLS == "" {
		cfg.TCP = "127.0.0.1:0"
	}
	l, err := NewListener(cfg, sink, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return l
}

// client is an MLLP sender that waits for each ACK.
type client struct {
	conn net.Conn
	r    *MLLPReader
}

func dial(t *testing.T, addr net.Addr) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{conn: c, r: NewMLLPReader(c, 0)}
}

// send writes one message and returns the parsed ACK.
func (c *client) send(t *testing.T, msg []byte) *Message {
	t.Helper()
	if err := WriteMLLP(c.conn, msg); err != nil {
		t.Fatal(err)
	}
	return c.ack(t)
}

func (c *client) ack(t *testing.T) *Message {
	t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	raw, err := c.r.Next()
	if err != nil {
		t.Fatalf("reading the ACK: %v", err)
	}
	ack, err := Parse(raw)
	if err != nil {
		t.Fatalf("ACK does not parse: %v\n%q", err, raw)
	}
	return ack
}

// TestListenerAcksEveryExample sends every real example message over one
// MLLP connection: each gets AA with its own control id in MSA-2, and is
// stored with its message type.
func TestListenerAcksEveryExample(t *testing.T) {
	sink, q := &memSink{}, &memQuarantine{}
	l := startListener(t, ListenerConfig{}, sink, q)
	tcp, _ := l.Addrs()
	c := dial(t, tcp)
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "health-examples", "hl7v2"), "*.hl7"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	var want []storedEvent
	for _, f := range files {
		for _, raw := range Split(exampleFile(t, filepath.Base(f))) {
			m, err := Parse(raw)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			ack := c.send(t, raw)
			if got := ack.Get("MSA-1"); got != "AA" {
				t.Errorf("%s: MSA-1 %q, want AA (MSA-3 %q)", filepath.Base(f), got, ack.Get("MSA-3"))
			}
			if got := ack.Get("MSA-2"); got != m.ControlID() {
				t.Errorf("%s: MSA-2 %q, want %q", filepath.Base(f), got, m.ControlID())
			}
			code, trigger, _ := m.Type()
			want = append(want, storedEvent{typ: strings.TrimSuffix(code+"^"+trigger, "^"), controlID: m.ControlID()})
		}
	}
	got := sink.stored()
	if len(got) != len(want) {
		t.Fatalf("stored %d events, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].typ != want[i].typ || got[i].controlID != want[i].controlID || got[i].source != "hl7/mllp" || got[i].host == "" {
			t.Errorf("event %d: %+v, want type %s control id %s from hl7/mllp with a host", i, got[i], want[i].typ, want[i].controlID)
		}
	}
	st := l.Stats()
	if st.Accepted != int64(len(want)) || st.Types["ADT^A01"] == 0 || len(q.list()) != 0 {
		t.Errorf("stats %+v, quarantine %v", st, q.list())
	}
}

// TestListenerRefusesBadMessages: a malformed or oversize message gets AR
// or AE with an ERR segment and is quarantined, and the next message on
// the same connection is still stored and acknowledged.
func TestListenerRefusesBadMessages(t *testing.T) {
	good := exampleFile(t, "uclh-emap_ADT_A01.hl7")
	tests := []struct {
		name, msg, code, msa2, errText string
	}{
		{"no MSH", "PID|1||123\r", "AR", "", "no MSH segment"},
		{"no message type", "MSH|^~\\&|PAS|RFH|||20240603||||P|2.4\r", "AR", "", "no message type"},
		{"bad segment", "MSH|^~\\&|PAS|RFH|VIGIL|RFH|20240603||ADT^A01|C42|P|2.4\rpid|1\r", "AE", "C42", "bad segment name"},
		{"oversize", "MSH|^~\\&|PAS|RFH|||20240603||ADT^A01|BIG|P|2.4\rPID|" + strings.Repeat("x", 5000) + "\r", "AR", "", "larger than"},
	}
	sink, q := &memSink{}, &memQuarantine{}
	l := startListener(t, ListenerConfig{MaxMessage: 4096}, sink, q)
	tcp, _ := l.Addrs()
	c := dial(t, tcp)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack := c.send(t, []byte(tt.msg))
			if ack.Get("MSA-1") != tt.code || ack.Get("MSA-2") != tt.msa2 {
				t.Errorf("MSA %q/%q, want %s/%q", ack.Get("MSA-1"), ack.Get("MSA-2"), tt.code, tt.msa2)
			}
			if e := ack.Segment("ERR", 1); e == nil || !strings.Contains(ack.Get("ERR-8"), tt.errText) || ack.Get("ERR-4") != "E" {
				t.Errorf("ERR segment %q lacks %q", ack.Raw(), tt.errText)
			}
			if qs := q.list(); len(qs) != i+1 || !strings.Contains(qs[i], tt.errText) {
				t.Errorf("quarantine %q, want entry %d naming %q", qs, i+1, tt.errText)
			}
			if ack := c.send(t, good); ack.Get("MSA-1") != "AA" || ack.Get("MSA-2") != "31644" {
				t.Errorf("next message: MSA %q/%q, want AA/31644", ack.Get("MSA-1"), ack.Get("MSA-2"))
			}
		})
	}
	if n := len(sink.stored()); n != len(tests) {
		t.Errorf("stored %d good messages, want %d", n, len(tests))
	}
}

// TestListenerWaitsWhileOverloaded: the ACK comes only once the sink has
// taken the message, after it refused it as overloaded several times.
func TestListenerWaitsWhileOverloaded(t *testing.T) {
	sink := &memSink{overload: 3}
	l := startListener(t, ListenerConfig{}, sink, &memQuarantine{})
	tcp, _ := l.Addrs()
	ack := dial(t, tcp).send(t, exampleFile(t, "uclh-emap_ADT_A02.hl7"))
	if ack.Get("MSA-1") != "AA" || len(sink.stored()) != 1 || sink.callCount() != 4 || l.Stats().Overloads != 3 {
		t.Errorf("MSA-1 %q, stored %d after %d calls, stats %+v", ack.Get("MSA-1"), len(sink.stored()), sink.callCount(), l.Stats())
	}
}

// TestListenerSinkFailure: a sink error is answered AE, not AA.
func TestListenerSinkFailure(t *testing.T) {
	sink := &memSink{fail: errors.New("disk full")}
	l := startListener(t, ListenerConfig{}, sink, &memQuarantine{})
	tcp, _ := l.Addrs()
	ack := dial(t, tcp).send(t, exampleFile(t, "uclh-emap_ADT_A03.hl7"))
	if ack.Get("MSA-1") != "AE" || ack.Get("MSA-2") != "eh" || ack.Get("ERR-3") != "207" {
		t.Errorf("ACK %q, want AE for eh with ERR-3 207", ack.Raw())
	}
}

// TestListenerBoundsConnections: a connection over MaxConns is closed at
// once, and one of the open connections still works.
func TestListenerBoundsConnections(t *testing.T) {
	l := startListener(t, ListenerConfig{MaxConns: 1}, &memSink{}, &memQuarantine{})
	tcp, _ := l.Addrs()
	first := dial(t, tcp)
	first.send(t, exampleFile(t, "uclh-emap_ADT_A01.hl7")) // the first is surely tracked
	second := dial(t, tcp)
	second.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := second.r.Next(); err == nil {
		t.Error("the connection over the limit was served")
	}
	if l.Stats().ConnsRefused != 1 {
		t.Errorf("ConnsRefused %d, want 1", l.Stats().ConnsRefused)
	}
	if ack := first.send(t, exampleFile(t, "uclh-emap_ADT_A08_v1.hl7")); ack.Get("MSA-1") != "AA" {
		t.Errorf("first connection: MSA-1 %q", ack.Get("MSA-1"))
	}
}
