package syslog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// rsyslogCase is one case of rsyslog's parser test bench: an input line and
// the parse rsyslog expects, as
// "PRI,facility,severity,timestamp,HOSTNAME,programname,syslogtag,msg".
type rsyslogCase struct {
	file, input, want string
}

// rsyslogCases reads the *.parse1 files: lines in pairs, "#" comments
// between. rsyslog writes control characters as "#ooo" in its output and
// the inputs spell them "\ooo"; both become the byte. One snare input ends
// in a backslash that its expected parse does not have (the test bench
// reads it as an escape of the line end); it is dropped.
func rsyslogCases(t *testing.T) []rsyslogCase {
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "health-examples", "syslog"), "*.parse1"))
	if err != nil || len(files) < 10 {
		t.Fatalf("parse1 files: %v, %d found", err, len(files))
	}
	var cases []rsyslogCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var pending string
		for _, l := range strings.Split(string(data), "\n") {
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			if pending == "" {
				pending = strings.TrimSuffix(strings.ReplaceAll(l, `\011`, "\t"), `\`)
				continue
			}
			cases = append(cases, rsyslogCase{filepath.Base(f), pending, strings.ReplaceAll(l, "#011", "\t")})
			pending = ""
		}
	}
	return cases
}

// rsyslogView renders a header as rsyslog's test template does. rsyslog
// gives RFC 5424 messages an empty programname and a tag of APP[PROCID];
// it prints a missing hostname as the local host, "~H". Lines without PRI
// take rsyslog's default 13 (user.notice), which Parse does not make up.
func rsyslogView(h *header, want string) string {
	pri := strings.Join(strings.SplitN(want, ",", 4)[:3], ",")
	if h.pri >= 0 {
		pri = fmt.Sprintf("%d,%s,%s", h.pri, facilityName(h.pri>>3), severityNames[h.pri&7])
	}
	host := h.hostname
	if host == "" {
		host = "~H"
	}
	prog, tag := h.appname, h.tag
	if h.rfc5424 {
		prog, tag = "", h.appname
		if h.procid != "" {
			tag += "[" + h.procid + "]"
		}
	}
	return fmt.Sprintf("%s,%s,%s,%s,%s,%s", pri, h.time.Format("Jan _2 15:04:05"), host, prog, tag, h.msg)
}

func TestRsyslogCases(t *testing.T) {
	ref := time.Date(2010, 9, 1, 0, 0, 0, 0, time.UTC)
	cases := rsyslogCases(t)
	if len(cases) < 30 {
		t.Fatalf("only %d rsyslog cases", len(cases))
	}
	for _, c := range cases {
		h, ok := parseHeader(c.input, ref)
		if !ok {
			t.Errorf("%s: %q is not syslog", c.file, c.input)
			continue
		}
		if got := rsyslogView(h, c.want); got != c.want {
			t.Errorf("%s: %q\n got %q\nwant %q", c.file, c.input, got, c.want)
		}
		var ev event.Event
		if err := Parse([]byte(c.input), &ev, ref); err != nil {
			t.Errorf("%s: Parse(%q) = %v", c.file, c.input, err)
		}
		if _, has := ev.Get(fFacility); has != (h.pri >= 0) {
			t.Errorf("%s: %q has facility %v, PRI %d", c.file, c.input, has, h.pri)
		}
		if !ev.Time.Equal(h.time) || ev.Time.Location() != time.UTC || ev.Host != h.hostname {
			t.Errorf("%s: Time, Host = %v, %q; want %v in UTC, %q", c.file, ev.Time, ev.Host, h.time, h.hostname)
		}
	}
}
