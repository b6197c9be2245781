package serve

import (
	"net"
	"testing"
)

func TestSyslogFeedsTheLog(t *testing.T) {
	cfg := testConfig(t)
	cfg.Syslog.TCP = "127.0.0.1:0"
	ts := startService(t, cfg)
	_, tcp, _ := ts.svc.SyslogAddrs()
	conn, err := net.Dial("tcp", tcp.String())
	if err != nil {
		t.Fatal(err)
	}
	lines := "<34>1 2024-06-03T09:00:00Z pas01 sshd 42 - - Failed password for root from 10.0.0.9\n" +
		"<38>Jun  3 09:00:01 pas01 sudo: nurse : TTY=pts/0 ; COMMAND=/bin/ls\n"
	if _, err := conn.Write([]byte(lines)); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	var st Stats
	waitFor(t, "two syslog events stored", func() bool {
		ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
		return st.EventsStored == 2 && st.EventsIn["syslog"] == 2
	})
}
