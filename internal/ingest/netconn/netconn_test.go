package netconn

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"syscall"
	"testing"
)

// flakyListener fails its first Accepts with err, then returns conns.
type flakyListener struct {
	net.Listener
	fails int
	err   error
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, l.err
	}
	return l.Listener.Accept()
}

func TestServe(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		wantErr bool
	}{
		{"out of file descriptors is retried", syscall.EMFILE, false},
		{"a timeout is retried", os.ErrDeadlineExceeded, false},
		{"another failure ends it", errors.New("broken"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer inner.Close()
			ln := &flakyListener{Listener: inner, fails: 2, err: tt.err}
			go func() {
				if c, err := net.Dial("tcp", inner.Addr().String()); err == nil {
					c.Close() // Accept still returns it
				}
			}()
			got := 0
			err = Serve(context.Background(), ln, slog.New(slog.DiscardHandler), "test", func(c net.Conn) bool {
				got++
				c.Close()
				return false
			})
			if (err != nil) != tt.wantErr || (got == 1) == tt.wantErr {
				t.Errorf("Serve = %v after %d connections; want error %v", err, got, tt.wantErr)
			}
		})
	}
}

func TestPeerIP(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 514}, "10.1.2.3"},
		{&net.UDPAddr{IP: net.ParseIP("::1"), Port: 514}, "::1"},
		{&net.UnixAddr{Name: "/run/x.sock", Net: "unix"}, "/run/x.sock"},
	}
	for _, tt := range tests {
		if got := PeerIP(tt.addr); got != tt.want {
			t.Errorf("PeerIP(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
