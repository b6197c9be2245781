package sharedtest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Serve is a `vigil serve` child process started by StartServe, for the
// tests and benchmarks that run the real binary.
type Serve struct {
	Cmd    *exec.Cmd
	Base   string      // the API's base URL, as the service printed it
	Stderr *SyncBuffer // the service's log
	Exited chan error  // receives the process's exit once
}

// listeningPrefix starts the line on which `vigil serve` prints its address.
const listeningPrefix = "Vigil is listening on "

// StartServe starts cmd, a `vigil serve` command line, and waits up to
// limit for the address it prints; it fails the test if the process exits
// or prints none within limit.
func StartServe(tb testing.TB, cmd *exec.Cmd, limit time.Duration) *Serve {
	tb.Helper()
	s := &Serve{Cmd: cmd, Stderr: &SyncBuffer{}, Exited: make(chan error, 1)}
	cmd.Stderr = s.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), listeningPrefix); ok {
				addr <- a
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { s.Exited <- cmd.Wait() }()
	select {
	case s.Base = <-addr:
	case err := <-s.Exited:
		tb.Fatalf("vigil serve exited at start: %v\n%s", err, s.Stderr)
	case <-time.After(limit):
		cmd.Process.Kill()
		tb.Fatalf("vigil serve printed no address within %v\n%s", limit, s.Stderr)
	}
	return s
}

// Kill ends the process with SIGKILL and waits for it.
func (s *Serve) Kill() {
	s.Cmd.Process.Signal(syscall.SIGKILL)
	<-s.Exited
}

// Stop asks for a graceful shutdown (SIGTERM) and waits up to limit for
// it, failing the test if the process fails or does not stop.
func (s *Serve) Stop(tb testing.TB, limit time.Duration) {
	tb.Helper()
	s.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.Exited:
		if err != nil {
			tb.Errorf("vigil serve after SIGTERM: %v\n%s", err, s.Stderr)
		}
	case <-time.After(limit):
		s.Cmd.Process.Kill()
		tb.Errorf("vigil serve did not stop within %v of SIGTERM", limit)
	}
}

// FreeTCPAddr returns a loopback address that was free a moment ago, for a
// child process's listener that must keep its address across restarts or
// that the child does not print.
func FreeTCPAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// SyncBuffer is a bytes.Buffer that a child process writes while a test
// reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
