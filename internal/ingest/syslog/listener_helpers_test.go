package syslog

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
)

// recordSink keeps a rendering of every event it accepts. With block set
// Accept waits until the channel is closed; the first overloads calls
// answer ingest.ErrOverloaded.
type recordSink struct {
	mu        sync.Mutex
	events    []string
	batches   []int
	calls     int
	overloads int
	block     chan struct{}
	entered   chan struct{} // receives once per call that is about to block
}

func (s *recordSink) Accept(ctx context.Context, evs []*event.Event) error {
	if s.block != nil {
		select {
		case s.entered <- struct{}{}:
		default:
		}
		select {
		case <-s.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= s.overloads {
		return ingest.ErrOverloaded
	}
	for _, ev := range evs {
		s.events = append(s.events, render(ev))
	}
	s.batches = append(s.batches, len(evs))
	return nil
}

// snapshot returns the events accepted so far.
func (s *recordSink) snapshot() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// rejected is one message handed to the quarantine.
type rejected struct {
	listener, peer, raw string
	reason              error
}

type recordQuarantine struct {
	mu  sync.Mutex
	got []rejected
}

func (q *recordQuarantine) Reject(listener, peer string, raw []byte, reason error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.got = append(q.got, rejected{listener, peer, string(raw), reason})
}

func (q *recordQuarantine) snapshot() []rejected {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.got)
}

// startListener runs a listener on loopback until the test ends; stop
// cancels it and returns what Run returned.
func startListener(t *testing.T, cfg ListenerConfig, sink ingest.Sink, q ingest.Quarantine) (l *Listener, stop func() error) {
	t.Helper()
	if cfg.Reference == nil {
		cfg.Reference = func() time.Time { return testRef }
	}
	if cfg.Batchers == 0 { // most tests check one batcher's order and batch sizes
		cfg.Batchers = 1
	}
	l, err := NewListener(cfg, sink, q, nil)
	if err != nil {
		t.Fatalf("NewListener: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Run did not return after cancellation")
			}
		})
		return runErr
	}
	t.Cleanup(func() { stop() })
	return l, stop
}

// waitFor polls cond until it holds or ten seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testTLS returns a server config with a fresh self-signed ECDSA
// certificate for 127.0.0.1 and a client config that trusts it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "vigil test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}

// octetFrame frames a message by octet counting (RFC 6587 3.4.1).
func octetFrame(msg string) string { return fmt.Sprintf("%d %s", len(msg), msg) }
