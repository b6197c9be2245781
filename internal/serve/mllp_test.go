package serve

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestMLLPFeedsTheLog sends ADT messages over MLLP to the service: each is
// acknowledged AA, stored, counted per message type in the metrics and
// followed by the flow watch with its type as the source's kind.
func TestMLLPFeedsTheLog(t *testing.T) {
	cfg := testConfig(t)
	cfg.HL7.MLLP = "127.0.0.1:0"
	ts := startService(t, cfg)
	tcp, _ := ts.svc.MLLPAddrs()
	conn, err := net.Dial("tcp", tcp.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, name := range []string{"uclh-emap_ADT_A01.hl7", "uclh-emap_ADT_A02.hl7", "uclh-emap_ADT_A01.hl7"} {
		if ack := sendMLLP(t, conn, name); ack.Get("MSA-1") != "AA" {
			t.Fatalf("%s: ACK %q", name, ack.Raw())
		}
	}
	var st Stats
	ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
	if st.LogPosition != 3 || st.EventsIn[hl7Listener] != 3 {
		t.Errorf("stats %+v, want 3 in the log from hl7", st)
	}
	metrics := get(t, ts.base+"/metrics")
	for _, want := range []string{`vigil_hl7_messages_total{type="ADT^A01"} 2`, `vigil_hl7_messages_total{type="ADT^A02"} 1`, `vigil_events_in_total{listener="hl7"} 3`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	kinds := map[string]bool{}
	for _, src := range ts.svc.flow.Sources() {
		if src.Key.Listener == hl7Listener {
			kinds[src.Key.Kind] = true
		}
	}
	if !kinds["ADT^A01"] || !kinds["ADT^A02"] {
		t.Errorf("flow watch kinds %v, want ADT^A01 and ADT^A02", kinds)
	}
}

// sendMLLP sends one shared HL7 example over conn and returns the ACK.
func sendMLLP(t *testing.T, conn net.Conn, name string) *hl7.Message {
	t.Helper()
	if err := hl7.WriteMLLP(conn, readFile(t, sharedtest.Path(t, "health-examples", "hl7v2", name))); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	raw, err := hl7.NewMLLPReader(conn, 0).Next()
	if err != nil {
		t.Fatal(err)
	}
	ack, err := hl7.Parse(raw)
	if err != nil {
		t.Fatalf("ACK does not parse: %v", err)
	}
	return ack
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
