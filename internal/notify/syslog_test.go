package notify

import (
	"bufio"
	"context"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/syslog"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// receive starts a listener on network and returns its address and a
// channel of the messages it gets (TCP messages de-framed).
func receive(t *testing.T, network string) (string, <-chan string) {
	t.Helper()
	out := make(chan string, 4)
	if network == "udp" {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Close() })
		go func() {
			buf := make([]byte, 64<<10)
			for {
				n, _, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				out <- string(buf[:n])
			}
		}()
		return pc.LocalAddr().String(), out
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go readCounted(c, out)
		}
	}()
	return ln.Addr().String(), out
}

// readCounted reads RFC 6587 octet-counted frames: "LEN SP MSG".
func readCounted(c net.Conn, out chan<- string) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		n, err := r.ReadString(' ')
		if err != nil {
			return
		}
		size, err := strconv.Atoi(strings.TrimSuffix(n, " "))
		if err != nil {
			out <- "bad frame length " + n
			return
		}
		msg := make([]byte, size)
		if _, err := io.ReadFull(r, msg); err != nil {
			return
		}
		out <- string(msg)
	}
}

func TestSyslogCEFRoundTrip(t *testing.T) {
	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			addr, got := receive(t, network)
			tg := NewSyslogCEF(network, addr)
			a := sample()
			a.RuleTitle += "\nsecond line"
			if err := tg.Send(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			var line string
			select {
			case line = <-got:
			case <-time.After(5 * time.Second):
				t.Fatal("nothing received")
			}
			var ev event.Event
			if err := syslog.Parse([]byte(line), &ev, time.Time{}); err != nil {
				t.Fatalf("parse %q: %v", line, err)
			}
			want := map[string]string{
				"appname":       "vigil",
				"facility":      "local4",
				"cefVersion":    "0",
				"deviceVendor":  "Vigil",
				"deviceProduct": "Vigil",
				"signatureId":   a.RuleID,
				"name":          strings.ReplaceAll(a.RuleTitle, "\n", " "),
				"severity":      "8",
				"rt":            strconv.FormatInt(a.LastSeen.UnixMilli(), 10),
				"start":         strconv.FormatInt(a.FirstSeen.UnixMilli(), 10),
				"dhost":         a.Host,
				"duser":         a.User,
				"cnt":           "3",
				"cs1":           "inc-42",
				"cs1Label":      "Incident ID",
				"externalId":    a.ID,
				"cs2":           "attack.impact,attack.t1490",
				"msg":           cefSummary(a),
			}
			for k, v := range want {
				if g, _ := ev.Get(event.Intern(k)); g != v {
					t.Errorf("%s = %q, want %q\nline: %s", k, g, v, line)
				}
			}
			if d := time.Since(ev.Time); d < 0 || d > time.Minute {
				t.Errorf("header time %v, want the time of sending", ev.Time)
			}
		})
	}
}

func TestCEFSeverity(t *testing.T) {
	tests := []struct {
		level    string
		cef, sys int
	}{
		{"informational", 1, 6}, {"low", 3, 5}, {"medium", 5, 4}, {"high", 8, 3}, {"Critical", 10, 2}, {"odd", 5, 6},
	}
	for _, tt := range tests {
		if got := cefSeverity(tt.level); got != tt.cef {
			t.Errorf("cefSeverity(%q) = %d, want %d", tt.level, got, tt.cef)
		}
		if got := syslogSeverity(tt.level); got != tt.sys {
			t.Errorf("syslogSeverity(%q) = %d, want %d", tt.level, got, tt.sys)
		}
	}
}

func TestFormatCEFGolden(t *testing.T) {
	s := &syslogCEF{hostname: "vigil-01", version: "1.2.3", now: func() time.Time { return t0 }}
	a := sample()
	a.User = "" // empty values are left out
	line := s.message(a) + "\n"
	line += formatCEF(&alert.Alert{RuleID: `r\1`, RuleTitle: "t|=\r\n", Level: "low"}, "v|1") + "\n"
	sharedtest.Golden(t, filepath.Join("testdata", "cef.txt"), []byte(line), *update)
}
