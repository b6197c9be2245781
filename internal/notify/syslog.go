package notify

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// facilityLocal4 is the syslog facility of forwarded alerts: the one SIEMs
// conventionally take CEF on.
const facilityLocal4 = 20

type syslogCEF struct {
	network, addr string
	hostname      string
	version       string
	now           func() time.Time
}

// NewSyslogCEF returns a Target that forwards each alert to a SIEM as an
// RFC 5424 syslog message carrying a CEF:0 record (see the package
// comment), over network "udp" (one datagram per alert) or "tcp"
// (octet-counted framing, RFC 6587). Each send opens its own connection:
// alerts are few, and a fresh connection cannot have been silently
// dropped by a firewall in between.
func NewSyslogCEF(network, addr string) Target {
	host, err := os.Hostname()
	if err != nil {
		host = ""
	}
	return &syslogCEF{network: network, addr: addr, hostname: host, version: vigilVersion(), now: time.Now}
}

func (s *syslogCEF) Name() string { return "syslog " + s.network + "://" + s.addr }

func (s *syslogCEF) Send(ctx context.Context, a *alert.Alert) error {
	if !strings.HasPrefix(s.network, "udp") && !strings.HasPrefix(s.network, "tcp") {
		return permanent(fmt.Errorf("%s: network %q is neither udp nor tcp", s.Name(), s.network))
	}
	msg := s.message(a)
	var d net.Dialer
	conn, err := d.DialContext(ctx, s.network, s.addr)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name(), err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if strings.HasPrefix(s.network, "tcp") {
		msg = strconv.Itoa(len(msg)) + " " + msg
	}
	if _, err := conn.Write([]byte(msg)); err != nil {
		return fmt.Errorf("%s: write: %w", s.Name(), err)
	}
	return nil
}

// message is the RFC 5424 message for a:
// <PRI>1 TIMESTAMP HOSTNAME vigil - alert - CEF:0|...
func (s *syslogCEF) message(a *alert.Alert) string {
	pri := facilityLocal4*8 + syslogSeverity(a.Level)
	ts := s.now().UTC().Format("2006-01-02T15:04:05.000Z")
	return fmt.Sprintf("<%d>1 %s %s vigil - alert - %s", pri, ts, headerWord(s.hostname, 255), formatCEF(a, s.version))
}

// syslogSeverity maps an alert level to a syslog severity.
func syslogSeverity(level string) int {
	switch alert.LevelRank(level) {
	case 5:
		return 2 // crit
	case 4:
		return 3 // err
	case 3:
		return 4 // warning
	case 2:
		return 5 // notice
	}
	return 6 // info
}

// headerWord makes s an RFC 5424 header field: printable US-ASCII without
// spaces, at most max characters, "-" when empty.
func headerWord(s string, max int) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s) && len(b) < max; i++ {
		if c := s[i]; c > ' ' && c < 127 {
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		return "-"
	}
	return string(b)
}

// vigilVersion is the binary's module version, as CEF's device version.
func vigilVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
