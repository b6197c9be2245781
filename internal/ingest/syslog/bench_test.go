package syslog

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

func benchmarkParse(b *testing.B, line string) {
	var ev event.Event
	data := []byte(line)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Parse(data, &ev, testRef); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRFC3164(b *testing.B) {
	benchmarkParse(b, "<38>Mar  5 10:00:01 web-1 sshd[4242]: Accepted publickey for alice from 10.0.0.7 port 52144 ssh2")
}

func BenchmarkParseRFC5424(b *testing.B) {
	benchmarkParse(b, `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry`)
}

func BenchmarkParseCEF(b *testing.B) {
	benchmarkParse(b, "CEF:0|FORCEPOINT|Firewall|6.6.1|70018|Connection_Allowed|0|deviceExternalId=Master FW node 1 dvc=10.1.1.40 dvchost=10.1.1.40 src=10.37.205.252 dst=10.1.1.40 proto=1 deviceOutboundInterface=255 act=Allow deviceFacility=Packet Filtering rt=Jan 17 2020 08:52:09")
}
