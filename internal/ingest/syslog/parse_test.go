package syslog

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

var testRef = time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, line string) (*event.Event, error) {
	t.Helper()
	var ev event.Event
	err := Parse([]byte(line), &ev, testRef)
	return &ev, err
}

// fieldMap gives each field's values; a field absent from want must be
// absent from the event when listed with a nil value.
func checkFields(t *testing.T, ev *event.Event, want map[string][]string) {
	t.Helper()
	for name, vs := range want {
		var got []string
		if id, ok := event.Lookup(name); ok {
			for i := ev.Index(id); i >= 0; i = ev.Next(i) {
				got = append(got, ev.Value(i))
			}
		}
		if !reflect.DeepEqual(got, vs) {
			t.Errorf("%s = %q, want %q", name, got, vs)
		}
	}
}

func TestParseRFC3164(t *testing.T) {
	ev, err := parse(t, "<38>Mar  5 10:00:01 web-1 sshd(pam_unix)[4242]: session opened for user root\n")
	if err != nil {
		t.Fatal(err)
	}
	checkFields(t, ev, map[string][]string{
		"facility": {"auth"}, "severity": {"info"}, "hostname": {"web-1"}, "appname": {"sshd(pam_unix)"},
		"procid": {"4242"}, "message": {"session opened for user root"}, "msgid": nil,
	})
	if want := time.Date(2024, 3, 5, 10, 0, 1, 0, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("Time = %v, want %v", ev.Time, want)
	}
	if ev.Host != "web-1" || ev.LogSource != (event.LogSource{Product: "linux", Service: "sshd"}) {
		t.Errorf("Host %q, LogSource %+v", ev.Host, ev.LogSource)
	}
}

func TestParseYearInference(t *testing.T) {
	tests := []struct {
		line string
		ref  time.Time
		want time.Time
	}{
		{"Dec 31 23:59:59 h a: x", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2023, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"Jan  2 00:00:00 h a: x", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"Feb 10 00:00:00 h a: x", time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC)},
		{"Jan 17 2020 08:52:10 h a: x", testRef, time.Date(2020, 1, 17, 8, 52, 10, 0, time.UTC)},
		{"Feb 17 13:40:03.673: h a: x", testRef, time.Date(2024, 2, 17, 13, 40, 3, 673e6, time.UTC)},
		{"Mar 10 09:30:20 h a: x", time.Date(2024, 6, 1, 0, 0, 0, 0, time.FixedZone("BST", 3600)),
			time.Date(2024, 3, 10, 8, 30, 20, 0, time.UTC)},
	}
	for _, tt := range tests {
		var ev event.Event
		if err := Parse([]byte(tt.line), &ev, tt.ref); err != nil {
			t.Errorf("Parse(%q) = %v", tt.line, err)
		}
		if !ev.Time.Equal(tt.want) {
			t.Errorf("Parse(%q) Time = %v, want %v", tt.line, ev.Time, tt.want)
		}
	}
}

func TestParseRFC5424(t *testing.T) {
	ev, err := parse(t, `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 `+
		`[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high" `+
		`note="a \"quoted\" \] and \\ too"] `+"\ufeff"+`An application event log entry...`)
	if err != nil {
		t.Fatal(err)
	}
	checkFields(t, ev, map[string][]string{
		"facility": {"local4"}, "severity": {"notice"}, "hostname": {"mymachine.example.com"},
		"appname": {"evntslog"}, "procid": nil, "msgid": {"ID47"},
		"sd.exampleSDID@32473.iut": {"3"}, "sd.exampleSDID@32473.eventSource": {"Application"},
		"sd.exampleSDID@32473.eventID": {"1011"}, "sd.examplePriority@32473.class": {"high"},
		"sd.examplePriority@32473.note": {`a "quoted" ] and \ too`},
		"message":                       {"An application event log entry..."},
	})
	if want := time.Date(2003, 10, 11, 22, 14, 15, 3e6, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("Time = %v", ev.Time)
	}
}

func TestParseRFC5424MalformedSD(t *testing.T) {
	ev, err := parse(t, `<14>1 2024-01-01T00:00:00Z h app 1 - [id a="1" b=2] the message`)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "structured data at byte 49") {
		t.Fatalf("err = %v, want malformed structured data at byte 49", err)
	}
	checkFields(t, ev, map[string][]string{
		"appname": {"app"}, "procid": {"1"}, "sd.id.a": nil,
		"message": {`[id a="1" b=2] the message`},
	})
}

func TestParseNotSyslog(t *testing.T) {
	for _, line := range []string{
		"172.16.5.10 6705: Feb 17 13:40:03.673: %PARSER-5-CFGLOG_LOGGEDCMD: User:admin  logged command:no aaa",
		"2024-01-01 plain application log",
		"<999>Jan  1 00:00:00 h a: pri out of range",
	} {
		ev, err := parse(t, line+"\r\n")
		if !errors.Is(err, ErrNotSyslog) {
			t.Errorf("Parse(%q) = %v, want ErrNotSyslog", line, err)
		}
		checkFields(t, ev, map[string][]string{"message": {line}, "facility": nil})
		if ev.LogSource != (event.LogSource{}) {
			t.Errorf("Parse(%q) LogSource = %+v, want none", line, ev.LogSource)
		}
	}
}

func TestParseBinary(t *testing.T) {
	for line, want := range map[string]string{
		"<14>Jan  1 00:00:00 h a: x\x00y": "NUL byte at byte 26",
		"\xff\xfe<14>":                    "invalid UTF-8 at byte 0",
		"Jan  1 00:00:00 h a: caf\xe9":    "invalid UTF-8 at byte 24",
	} {
		ev, err := parse(t, line)
		if !errors.Is(err, ErrBinary) || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want binary data: %s", line, err, want)
		}
		if ev.Len() != 0 {
			t.Errorf("Parse(%q) left %d fields", line, ev.Len())
		}
	}
}

func TestParseLogSourceByProgram(t *testing.T) {
	for app, service := range map[string]string{
		"sshd": "sshd", "sshd-session": "sshd", "sudo": "sudo", "CRON": "cron", "/usr/sbin/cron": "cron",
		"crond": "cron", "vsftpd": "vsftpd", "clamd": "clamav", "freshclam": "clamav", "guacd": "guacamole",
		"named": "syslog", "systemd": "syslog", "su": "syslog",
	} {
		ev, err := parse(t, "<86>Mar  5 10:00:01 host "+app+"[1]: something happened")
		if err != nil {
			t.Fatal(err)
		}
		if want := (event.LogSource{Product: "linux", Service: service}); ev.LogSource != want {
			t.Errorf("%s: LogSource = %+v, want %+v", app, ev.LogSource, want)
		}
	}
}

func TestParseAudit(t *testing.T) {
	tests := []struct {
		name string
		line string
		want map[string][]string
		time time.Time
	}{
		{
			name: "audit.log EXECVE",
			line: `type=EXECVE msg=audit(1600000000.123:456): argc=3 a0="arecord" a1=2D7676 a2="-fdat"`,
			want: map[string][]string{"type": {"EXECVE"}, "msg": {"audit(1600000000.123:456)"}, "argc": {"3"},
				"a0": {"arecord"}, "a1": {"-vv"}, "a2": {"-fdat"}},
			time: time.Unix(1600000000, 123e6).UTC(),
		},
		{
			name: "SYSCALL keeps hex registers",
			line: `type=SYSCALL msg=audit(1600000001.000:457): arch=c000003e syscall=319 a0=7ffd1 comm="ecasound" exe="/usr/bin/ecasound" key=(null)` +
				"\x1dARCH=x86_64 SYSCALL=memfd_create",
			// Field names fold case: the enriched format's SYSCALL and
			// ARCH become second values of syscall and arch.
			want: map[string][]string{"a0": {"7ffd1"}, "comm": {"ecasound"}, "exe": {"/usr/bin/ecasound"},
				"key": {"(null)"}, "SYSCALL": {"319", "memfd_create"}, "ARCH": {"c000003e", "x86_64"}},
			time: time.Unix(1600000001, 0).UTC(),
		},
		{
			name: "user record with nested msg",
			line: `type=USER_CMD msg=audit(1600000002.500:458): pid=1 uid=0 msg='cwd="/root" cmd=6C73202D6C6120 terminal=pts/0 res=success'`,
			want: map[string][]string{"pid": {"1"}, "cwd": {"/root"}, "cmd": {"ls -la"}, "res": {"success"}},
			time: time.Unix(1600000002, 500e6).UTC(),
		},
		{
			name: "relayed by audispd",
			line: `<14>Mar  5 10:00:01 host audispd: node=host type=PROCTITLE msg=audit(1600000003.000:459): proctitle=2F62696E2F7368002D63006964`,
			want: map[string][]string{"node": {"host"}, "proctitle": {"/bin/sh -c id"}, "appname": {"audispd"}},
			time: time.Unix(1600000003, 0).UTC(), // the record's stamp, not the relay's
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := parse(t, tt.line)
			if err != nil {
				t.Fatal(err)
			}
			checkFields(t, ev, tt.want)
			if !ev.Time.Equal(tt.time) {
				t.Errorf("Time = %v, want %v", ev.Time, tt.time)
			}
			if want := (event.LogSource{Product: "linux", Service: "auditd"}); ev.LogSource != want {
				t.Errorf("LogSource = %+v", ev.LogSource)
			}
		})
	}
}
