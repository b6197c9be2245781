package syslog

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/ingest/atna"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestListenerATNA sends the raw ATNA syslog example as it was captured,
// and each ATNA XML example wrapped in an RFC 5424 frame with a BOM, over
// TCP: each becomes a dicom/atna event with the user and the patient of
// the message. A malformed AuditMessage is quarantined with the parser's
// reason.
func TestListenerATNA(t *testing.T) {
	dir := sharedtest.Path(t, "health-examples", "atna")
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ATNA examples: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "epr-integration-cara_iti-47-atna-raw.syslog.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var stream strings.Builder
	stream.Write(raw)
	xmls := [][]byte{mustXML(t, raw)}
	for _, f := range files {
		xml, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		xmls = append(xmls, xml)
		stream.WriteString(octetFrame("<85>1 2024-06-03T09:00:00Z pacs01 dcm4chee - IHE+RFC-3881 - \ufeff" + string(xml)))
	}
	stream.WriteString(octetFrame("<85>1 2024-06-03T09:00:01Z pacs01 dcm4chee - IHE+RFC-3881 - <?xml version=\"1.0\"?><AuditMessage><EventIdentification"))
	sink, q := &recordSink{}, &recordQuarantine{}
	l, _ := startListener(t, ListenerConfig{TCP: "127.0.0.1:0"}, sink, q)
	_, tcp, _ := l.Addrs()
	conn, err := net.Dial("tcp", tcp.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte(stream.String())); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	waitFor(t, "every ATNA message stored or quarantined", func() bool {
		return len(sink.snapshot()) == len(xmls) && len(q.snapshot()) == 1
	})
	got := sink.snapshot()
	for i, xml := range xmls {
		m, err := atna.Parse(xml)
		if err != nil {
			t.Fatalf("example %d: %v", i, err)
		}
		want := []string{`product="dicom"`, `service="atna"`, "Source: syslog/tcp"}
		if u := m.User(); u != nil && u.UserID != "" {
			want = append(want, "user.id = "+quoted(u.UserID))
		}
		for _, p := range m.Access().PatientIDs {
			want = append(want, quoted(p.Value))
		}
		for _, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("event %d lacks %s:\n%s", i, w, got[i])
			}
		}
	}
	if r := q.snapshot()[0]; !strings.Contains(r.reason.Error(), ErrATNA.Error()) || !strings.Contains(r.reason.Error(), "byte") {
		t.Errorf("quarantine reason %v, want the ATNA parser's reason with its offset", r.reason)
	}
}

func mustXML(t *testing.T, line []byte) []byte {
	t.Helper()
	xml, err := atna.FromSyslog(line)
	if err != nil {
		t.Fatal(err)
	}
	return xml
}

func quoted(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
