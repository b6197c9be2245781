package syslog

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

func TestCEF(t *testing.T) {
	tests := []struct {
		name string
		line string
		want map[string][]string
		err  string
	}{
		{
			name: "header escapes",
			line: `CEF:0|Ven\|dor|Pro\\duct|1.0|100|Name with = sign|10|`,
			want: map[string][]string{"cefVersion": {"0"}, "deviceVendor": {`Ven|dor`}, "deviceProduct": {`Pro\duct`},
				"deviceVersion": {"1.0"}, "signatureId": {"100"}, "name": {"Name with = sign"}, "severity": {"10"}},
		},
		{
			name: "values with spaces and escapes",
			line: `CEF:0|V|P|1|2|N|5|msg=Referred connection: 10.1.1.40 frag\=0x4000 TCP cs1Label=Rule Name ` +
				`filePath=C:\Windows\cmd.exe request=https://x.example/?a=1&b=2 multi=line\nbreak esc=back\\slash`,
			want: map[string][]string{"msg": {"Referred connection: 10.1.1.40 frag=0x4000 TCP"}, "cs1Label": {"Rule Name"},
				"filePath": {`C:\Windows\cmd.exe`}, "request": {"https://x.example/?a=1&b=2"},
				"multi": {"line\nbreak"}, "esc": {`back\slash`}},
		},
		{
			name: "trailing spaces and empty value",
			line: "CEF:0|V|P|1|2|N|5|empty= src=1.2.3.4     ",
			want: map[string][]string{"empty": {""}, "src": {"1.2.3.4"}},
		},
		{
			name: "short header",
			line: "CEF:0|Vendor|Product",
			want: map[string][]string{"cefVersion": {"0"}, "deviceVendor": {"Vendor"}, "deviceProduct": {"Product"},
				"severity": nil},
			err: "CEF header: 3 of its 7 fields",
		},
		{
			name: "text before the first key",
			line: "CEF:0|V|P|1|2|N|5|garbage words src=1.2.3.4",
			want: map[string][]string{"src": {"1.2.3.4"}, "garbage": nil, "words": nil},
			err:  "text without a key at byte 18",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := parse(t, tt.line)
			checkErr(t, err, tt.err)
			checkFields(t, ev, tt.want)
			if v, _ := ev.Get(fMessage); v != strings.TrimRight(tt.line, "\n") {
				t.Errorf("message = %q, want the whole line", v)
			}
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("err = %v", err)
		}
		return
	}
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want malformed ...%s", err, want)
	}
}

func TestCEFOverSyslog(t *testing.T) {
	ev, err := parse(t, "<134>Jan 17 08:52:10 fw01 CEF:0|Fortinet|FortiGate|7.0|0001|traffic|3|src=10.0.0.1 rt=1579251130000")
	if err != nil {
		t.Fatal(err)
	}
	checkFields(t, ev, map[string][]string{
		"facility": {"local0"}, "syslog.severity": {"info"}, "severity": {"3"}, "hostname": {"fw01"},
		"appname": nil, "deviceProduct": {"FortiGate"}, "src": {"10.0.0.1"},
	})
	if ev.LogSource != (event.LogSource{Product: "fortigate"}) || ev.Host != "fw01" {
		t.Errorf("LogSource %+v, Host %q", ev.LogSource, ev.Host)
	}
	if want := time.Date(2024, 1, 17, 8, 52, 10, 0, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("Time = %v, want the header's %v", ev.Time, want)
	}
	ev, _ = parse(t, "CEF:0|Check Point|VPN-1|1|2|N|5|rt=1579251130000 dvchost=gw1")
	if want := time.UnixMilli(1579251130000).UTC(); !ev.Time.Equal(want) || ev.Host != "gw1" {
		t.Errorf("bare CEF: Time %v, Host %q; want rt %v and dvchost", ev.Time, ev.Host, want)
	}
}

func TestLEEF(t *testing.T) {
	tests := []struct {
		name string
		line string
		want map[string][]string
		err  string
	}{
		{
			name: "1.0 with tabs",
			line: "LEEF:1.0|IBM|QRadar|7.4|Login|src=10.0.0.1\tusrName=alice\tmsg=a=b",
			want: map[string][]string{"leefVersion": {"1.0"}, "deviceVendor": {"IBM"}, "signatureId": {"Login"},
				"src": {"10.0.0.1"}, "usrName": {"alice"}, "msg": {"a=b"}},
		},
		{
			name: "2.0 with a caret",
			line: "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5",
			want: map[string][]string{"src": {"10.0.1.8"}, "dst": {"10.0.0.5"}, "sev": {"5"}},
		},
		{
			name: "2.0 with a hex delimiter",
			line: "LEEF:2.0|V|P|1|E|x7C|a=1|b=2",
			want: map[string][]string{"a": {"1"}, "b": {"2"}},
		},
		{
			name: "2.0 without a delimiter field",
			line: "LEEF:2.0|Zscaler|NSS|3.6|ALLOW|cat=firewall\tusrName=jane.doe",
			want: map[string][]string{"signatureId": {"ALLOW"}, "cat": {"firewall"}, "usrName": {"jane.doe"}},
		},
		{
			name: "tab written out",
			line: `LEEF:2.0|V|P|1|E|0x09|devTime=2019-11-21 13:44:35\tsev=6\tMessage=Process 'chrome.exe' was blocked`,
			// Field names fold case: LEEF's Message is a second value of message.
			want: map[string][]string{"devTime": {"2019-11-21 13:44:35"}, "sev": {"6"},
				"Message": {`LEEF:2.0|V|P|1|E|0x09|devTime=2019-11-21 13:44:35\tsev=6\tMessage=Process 'chrome.exe' was blocked`,
					"Process 'chrome.exe' was blocked"}},
		},
		{
			name: "delimiter inside a value",
			line: "LEEF:1.0|V|P|1|E|a=x\ty\tb=2",
			want: map[string][]string{"a": {"x\ty"}, "b": {"2"}},
		},
		{
			name: "short header",
			line: "LEEF:1.0|V|P",
			want: map[string][]string{"deviceProduct": {"P"}, "signatureId": nil},
			err:  "LEEF header: 3 of its 5 fields",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := parse(t, tt.line)
			checkErr(t, err, tt.err)
			checkFields(t, ev, tt.want)
		})
	}
}

func TestLEEFDeviceTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"devTime=1579251130000":             time.UnixMilli(1579251130000).UTC(),
		"devTime=Jan 17 2020 08:52:10":      time.Date(2020, 1, 17, 8, 52, 10, 0, time.UTC),
		"devTime=2019-11-21 13:44:35":       time.Date(2019, 11, 21, 13, 44, 35, 0, time.UTC),
		"devTime=2019-11-21T13:44:35+01:00": time.Date(2019, 11, 21, 12, 44, 35, 0, time.UTC),
		"devTime=yesterday":                 {},
	} {
		ev, err := parse(t, "LEEF:1.0|V|P|1|E|"+in)
		if err != nil || !ev.Time.Equal(want) {
			t.Errorf("%s: Time = %v, %v; want %v", in, ev.Time, err, want)
		}
	}
}
