package winjson

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		field string
		want  []string // nil: the field is absent
	}{
		{"plain string", `{"a":"x y"}`, "a", []string{"x y"}},
		{"empty string", `{"a":""}`, "a", []string{""}},
		{"short escapes", `{"a":"q\"b\\s\/n\nr\rt\tb\bf\f"}`, "a", []string{"q\"b\\s/n\nr\rt\tb\bf\f"}},
		{"unicode escape", `{"a":"caf\u00e9 \u20AC"}`, "a", []string{"café €"}},
		{"surrogate pair", `{"a":"\ud83d\ude00!"}`, "a", []string{"😀!"}},
		{"lone high surrogate", `{"a":"\ud83dx"}`, "a", []string{"\uFFFDx"}},
		{"lone low surrogate", `{"a":"\ude00"}`, "a", []string{"\uFFFD"}},
		{"high then non-low", `{"a":"\ud83d\u0041"}`, "a", []string{"\uFFFDA"}},
		{"raw UTF-8", `{"a":"Portée « x »"}`, "a", []string{"Portée « x »"}},
		{"raw control characters", "{\"a\":\"tab\there\nline\x01\"}", "a", []string{"tab\there\nline\x01"}},
		{"escaped key", `{"C\u006fmmandLine":"x"}`, "CommandLine", []string{"x"}},
		{"integer as written", `{"a":007}`, "a", nil}, // invalid JSON, see errors
		{"negative float", `{"a":-12.50e+3}`, "a", []string{"-12.50e+3"}},
		{"big integer", `{"a":123456789012345678901234567890}`, "a", []string{"123456789012345678901234567890"}},
		{"true", `{"a":true}`, "a", []string{"true"}},
		{"false", `{"a":false}`, "a", []string{"false"}},
		{"null is absent", `{"a":null}`, "a", nil},
		{"array repeats", `{"a":["x",1,true,null,["y"]]}`, "a", []string{"x", "1", "true", "y"}},
		{"empty array is absent", `{"a":[]}`, "a", nil},
		{"nested objects", `{"process":{"parent":{"name":"cmd.exe"}}}`, "process.parent.name", []string{"cmd.exe"}},
		{"array of objects", `{"h":[{"n":"a"},{"n":"b"}]}`, "h.n", []string{"a", "b"}},
		{"names fold case", `{"foldme":"a","FoldMe":"b"}`, "FOLDME", []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.Event
			err := Decode([]byte(tt.in), &ev)
			if tt.want == nil && err != nil {
				return // covered by TestDecodeErrors
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := values(&ev, tt.field); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{``, 0, "want '{'"},
		{`[]`, 0, "want '{'"},
		{`"x"`, 0, "want '{'"},
		{`{`, 1, "want a string key"},
		{`{"a"}`, 4, "want ':'"},
		{`{"a":}`, 5, "want a value"},
		{`{"a":1,}`, 7, "want a string key"},
		{`{"a":1 "b":2}`, 7, "want ',' or '}'"},
		{`{"a":[1,]}`, 8, "want a value"},
		{`{"a":"x}`, 5, "string is not closed"},
		{`{"a":"\x"}`, 6, `invalid escape "\\x"`},
		{`{"a":"\u12G4"}`, 6, `invalid \u escape`},
		{`{"a":007}`, 6, "want ',' or '}'"},
		{`{"a":1.}`, 7, "after a decimal point"},
		{`{"a":1e}`, 7, "in an exponent"},
		{`{"a":-}`, 6, "in a number"},
		{`{"a":tru}`, 5, "want true"},
		{`{"a":nul`, 5, "null is not closed"},
		{`{"a":1} x`, 8, "after the event object"},
		{`{"a":1}{"b":2}`, 7, "after the event object"},
		{`{"a":` + strings.Repeat("[", maxDepth+1), 5 + maxDepth - 1, "nesting deeper than 512"},
	}
	for _, tt := range tests {
		var ev event.Event
		ev.Set("stale", "x")
		err := Decode([]byte(tt.in), &ev)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Decode(%q) = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Decode(%q) = %q, want byte %d: ...%s...", tt.in, err, tt.offset, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "byte ") {
			t.Errorf("error %q does not start with its offset", err)
		}
		if ev.Len() != 0 {
			t.Errorf("Decode(%q) failed but left %d fields", tt.in, ev.Len())
		}
	}
}

func TestDecodeDoesNotAliasInput(t *testing.T) {
	data := []byte(`{"a":"original","b":"esc\u0041ped"}`)
	var ev event.Event
	if err := Decode(data, &ev); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'X'
	}
	if a, _ := ev.GetName("a"); a != "original" {
		t.Errorf("a = %q after the input changed", a)
	}
	if b, _ := ev.GetName("b"); b != "escAped" {
		t.Errorf("b = %q after the input changed", b)
	}
}

func TestDecodeFlatWindows(t *testing.T) {
	ev := mustDecode(t, `{"EventTime":"2020-05-01 22:55:23","Hostname":"ws1.example","SourceName":"Microsoft-Windows-Sysmon",
		"RecordNumber":138294,"EventID":10,"Channel":"Microsoft-Windows-Sysmon/Operational","Keywords":-9223372036854775808,
		"ProviderGuid":"{5770385F}","ExecutionProcessID":3496,"OpcodeValue":0,"host":"collector","UtcTime":"2020-05-02 02:55:23.551"}`)
	want := map[string]string{
		"Computer": "ws1.example", "Provider_Name": "Microsoft-Windows-Sysmon", "EventRecordID": "138294",
		"EventID": "10", "TimeCreated": "2020-05-01 22:55:23", "Keywords": "0x8000000000000000",
		"Provider_Guid": "{5770385F}", "ExecutionProcessID": "3496", "Opcode": "0", "host": "collector",
	}
	for k, v := range want {
		if got, _ := ev.GetName(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if ev.Host != "ws1.example" || ev.Record != 138294 {
		t.Errorf("Host, Record = %q, %d", ev.Host, ev.Record)
	}
	if want := time.Date(2020, 5, 2, 2, 55, 23, 551e6, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("Time = %v, want UtcTime %v (EventTime has no zone)", ev.Time, want)
	}
}

func TestDecodeKeywords(t *testing.T) {
	for in, want := range map[string]string{
		`-9223372036854775808`: "0x8000000000000000",
		`36028797018963968`:    "0x80000000000000",
		`"0x8020000000000000"`: "0x8020000000000000",
		`1.5`:                  "1.5",
	} {
		ev := mustDecode(t, `{"Keywords":`+in+`}`)
		if got, _ := ev.GetName("Keywords"); got != want {
			t.Errorf("Keywords %s = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeWinlogbeat(t *testing.T) {
	ev := mustDecode(t, `{"@timestamp":"2024-02-13T06:56:24.223Z","winlog":{"channel":"Security","event_id":"4688",
		"computer_name":"dc1","provider_name":"Microsoft-Windows-Security-Auditing","record_id":42,
		"process":{"pid":4,"thread":{"id":8}},"user":{"identifier":"S-1-5-18","name":"SYSTEM"},
		"event_data":{"CommandLine":"whoami /all","NewProcessName":"C:\\Windows\\System32\\whoami.exe"},"opcode":"Info"},
		"process":{"command_line":"whoami /all"}}`)
	want := map[string]string{
		"Channel": "Security", "EventID": "4688", "Computer": "dc1", "EventRecordID": "42",
		"Provider_Name": "Microsoft-Windows-Security-Auditing", "ExecutionProcessID": "4", "ExecutionThreadID": "8", "UserID": "S-1-5-18",
		"CommandLine": "whoami /all", "NewProcessName": `C:\Windows\System32\whoami.exe`,
		"winlog.user.name": "SYSTEM", "winlog.opcode": "Info", "process.command_line": "whoami /all",
	}
	for k, v := range want {
		if got, _ := ev.GetName(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := ev.GetName("winlog.event_data.CommandLine"); ok {
		t.Error("winlog.event_data.CommandLine kept its prefix")
	}
	if want := time.Date(2024, 2, 13, 6, 56, 24, 223e6, time.UTC); !ev.Time.Equal(want) || ev.Record != 42 || ev.Host != "dc1" {
		t.Errorf("Time, Record, Host = %v, %d, %q", ev.Time, ev.Record, ev.Host)
	}
}

func TestDecodeLogSource(t *testing.T) {
	ev := mustDecode(t, `{"logsource":{"product":"linux","category":"process_creation","service":"auditd","definition":"x"},"Image":"/bin/sh"}`)
	want := event.LogSource{Product: "linux", Category: "process_creation", Service: "auditd"}
	if ev.LogSource != want {
		t.Errorf("LogSource = %+v, want %+v", ev.LogSource, want)
	}
	if v, _ := ev.GetName("logsource.definition"); v != "x" {
		t.Errorf("logsource.definition = %q", v)
	}
	if _, ok := ev.GetName("logsource.product"); ok {
		t.Error("logsource.product is also a field")
	}
}

func TestDecodeEvtxLayout(t *testing.T) {
	ev := mustDecode(t, `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
	"System":{"Provider":{"#attributes":{"Name":"EventLog","Guid":"{g}","EventSourceName":"ES"}},
		"EventID":{"#attributes":{"Qualifiers":32768},"#text":6009},"Keywords":"0x80000000000000",
		"TimeCreated":{"#attributes":{"SystemTime":"2017-07-12T17:16:28.214161Z"}},"EventRecordID":7,
		"Correlation":{"#attributes":{"ActivityID":"{a}","RelatedActivityID":"{r}"}},
		"Execution":{"#attributes":{"ProcessID":4,"ThreadID":8}},"Channel":"System","Computer":"PC1",
		"Security":{"#attributes":{"UserID":"S-1-5-18"}}},
	"EventData":{"#attributes":{"Name":"TaskDisabled"},"Data":{"#text":["10.00.","15063","",null]},"Binary":null,
		"Empty":null,"Named":"v"},
	"RenderingInfo":{"Message":"hello","Level":"Information"}}}`)
	want := map[string][]string{
		"Provider_Name": {"EventLog"}, "Provider_Guid": {"{g}"}, "EventSourceName": {"ES"},
		"EventID": {"6009"}, "Keywords": {"0x80000000000000"}, "TimeCreated": {"2017-07-12T17:16:28.214161Z"},
		"EventRecordID": {"7"}, "ActivityID": {"{a}"}, "RelatedActivityID": {"{r}"}, "ExecutionProcessID": {"4"},
		"ExecutionThreadID": {"8"}, "Channel": {"System"}, "Computer": {"PC1"}, "UserID": {"S-1-5-18"},
		"Data": {"10.00.", "15063", "", ""}, "Binary": {""}, "Empty": {""}, "Named": {"v"}, "Message": nil,
		"Qualifiers": nil, "xmlns": nil, "Name": nil, "Level": nil,
	}
	for k, v := range want {
		if got := values(ev, k); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if want := time.Date(2017, 7, 12, 17, 16, 28, 214161000, time.UTC); !ev.Time.Equal(want) || ev.Record != 7 || ev.Host != "PC1" {
		t.Errorf("Time, Record, Host = %v, %d, %q", ev.Time, ev.Record, ev.Host)
	}
}

func TestDecodeEvtxAttributeStyles(t *testing.T) {
	tests := []struct{ name, in string }{
		{"separate attributes", `{"Event_attributes":{"xmlns":"x"},"Event":{"System":{"Provider_attributes":{"Name":"P"},
			"EventID_attributes":{"Qualifiers":16384},"EventID":4625,"TimeCreated_attributes":{"SystemTime":"2010-11-10T18:18:51Z"},
			"Execution_attributes":{"ProcessID":1}},"EventData":{"param1":"86400"}}}`},
		{"xmltodict", `{"Event":{"@xmlns":"x","System":{"Provider":{"@Name":"P"},"EventID":{"@Qualifiers":"16384","#text":"4625"},
			"TimeCreated":{"@SystemTime":"2010-11-10T18:18:51Z"},"Execution":{"@ProcessID":"1"}},
			"EventData":{"Data":[{"@Name":"param1","#text":"86400"},{"#text":"unnamed"},{"@Name":"Empty"}]}}}`},
		{"named Data objects", `{"Event":{"System":{"Provider":{"#attributes":{"Name":"P"}},"EventID":4625,
			"TimeCreated":{"#attributes":{"SystemTime":"2010-11-10T18:18:51Z"}},"Execution":{"#attributes":{"ProcessID":1}}},
			"EventData":{"Data":[{"#text":"86400","#attributes":{"Name":"param1"}},"unnamed",{"#attributes":{"Name":"Empty"}}]}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := mustDecode(t, tt.in)
			for k, v := range map[string]string{"Provider_Name": "P", "EventID": "4625", "ExecutionProcessID": "1", "param1": "86400"} {
				if got, _ := ev.GetName(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if !ev.Time.Equal(time.Date(2010, 11, 10, 18, 18, 51, 0, time.UTC)) {
				t.Errorf("Time = %v", ev.Time)
			}
			if _, ok := ev.GetName("Qualifiers"); ok {
				t.Error("Qualifiers became a field")
			}
			if strings.Contains(tt.name, "separate") {
				return
			}
			if got := values(ev, "Data"); !reflect.DeepEqual(got, []string{"unnamed"}) {
				t.Errorf("Data = %q, want [unnamed]", got)
			}
			if got, ok := ev.GetName("Empty"); !ok || got != "" {
				t.Errorf("Empty = %q, %v; want present and empty", got, ok)
			}
		})
	}
}

func TestDecodeUserData(t *testing.T) {
	ev := mustDecode(t, `{"Event":{"System":{"EventID":53},"UserData":{"Wrapper":{"#attributes":{"xmlns":"http://x"},
		"URL":{"#attributes":{"scheme":"http"},"#text":"http://crl.example/x.crl"},
		"Object":{"#attributes":{"type":"CRL"}},"Timeout":"PT9.984S","Nothing":null,
		"Info":{"Header":"GET /","Header_1":"Accept: */*","Header_2":"Host: x","Other_1":"o"},
		"Action":{"@name":"NoProxy"},"Action_1":{"@name":"Direct"}}}}}`)
	want := map[string][]string{
		"URL": {"http://crl.example/x.crl"}, "Object": {""}, "Timeout": {"PT9.984S"},
		"Nothing": {""}, "Header": {"GET /", "Accept: */*", "Host: x"}, "Other_1": {"o"},
		"Action": {"", ""}, "Wrapper": nil, "Info": nil, "xmlns": nil, "scheme": nil, "type": nil, "name": nil,
	}
	for k, v := range want {
		if got := values(ev, k); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestDecodeOtherSectionsByLeaves(t *testing.T) {
	ev := mustDecode(t, `{"Event":{"ProcessingErrorData":{"ErrorCode":15005,"DataItemName":"Msg"},
		"RenderingInfo":{"Message":"hello","Level":"Information"}}}`)
	for k, v := range map[string][]string{"ErrorCode": {"15005"}, "DataItemName": {"Msg"}, "Message": nil, "Level": nil} {
		if got := values(ev, k); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in    string
		want  time.Time
		zoned bool
		ok    bool
	}{
		{"2016-07-08T18:12:51.681640Z", time.Date(2016, 7, 8, 18, 12, 51, 681640000, time.UTC), true, true},
		{"2019-11-07T10:34:29.0559196Z", time.Date(2019, 11, 7, 10, 34, 29, 55919600, time.UTC), true, true},
		{"2003-08-24T05:14:15.000003-07:00", time.Date(2003, 8, 24, 12, 14, 15, 3000, time.UTC), true, true},
		{"2003-08-24T05:14:15+0130", time.Date(2003, 8, 24, 3, 44, 15, 0, time.UTC), true, true},
		{"2020-05-01 22:55:23", time.Date(2020, 5, 1, 22, 55, 23, 0, time.UTC), false, true},
		{"2025-11-26 05:11:27.908", time.Date(2025, 11, 26, 5, 11, 27, 908e6, time.UTC), false, true},
		{"2025-11-26T05:11:27.1234567891Z", time.Date(2025, 11, 26, 5, 11, 27, 123456789, time.UTC), true, true},
		{"2025-13-26T05:11:27Z", time.Time{}, false, false},
		{"2025-11-26T05:11:27.Z", time.Time{}, false, false},
		{"2025-11-26T05:11:27 UTC", time.Time{}, false, false},
		{"2025-11-26", time.Time{}, false, false},
		{"Nov 26 05:11:27", time.Time{}, false, false},
	}
	for _, tt := range tests {
		got, zoned, ok := parseTime(tt.in)
		if !got.Equal(tt.want) || zoned != tt.zoned || ok != tt.ok {
			t.Errorf("parseTime(%q) = %v, %v, %v; want %v, %v, %v", tt.in, got, zoned, ok, tt.want, tt.zoned, tt.ok)
		}
	}
}
