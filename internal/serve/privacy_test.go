package serve

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// TestLivePrivacyCases sends a generated trust's ADT feed over MLLP and
// its electronic patient record's AuditEvents to POST /fhir/AuditEvent, with
// the trust's roster configured, and checks that the live cases name
// injected misuse: what the ground truth says a user did to a patient.
func TestLivePrivacyCases(t *testing.T) {
	dir := t.TempDir()
	truth, err := care.Generate(care.Config{Seed: 5, Size: "test", Staff: 80, Patients: 1200, Days: 4, Start: care.DefaultStart}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.HL7.MLLP = "127.0.0.1:0"
	cfg.Privacy = PrivacyConfig{Staff: filepath.Join(dir, "staff.csv"), VIP: filepath.Join(dir, "vip.txt"),
		Reviews: filepath.Join(dir, "breakglass_reviews.csv"), Every: 200 * time.Millisecond}
	ts := startService(t, cfg)
	sendADT(t, ts, filepath.Join(dir, "adt"))
	sendAccesses(t, ts, filepath.Join(dir, "access.ndjson"))

	misuse := map[[2]string]bool{}
	for _, m := range truth.Misuse {
		misuse[[2]string{m.UserID, m.PatientID}] = true
	}
	var resp privacy.CasesResponse
	var found int
	waitFor(t, "live cases naming injected misuse", func() bool {
		resp = privacy.CasesResponse{} // a reused one would keep fields an earlier answer had and this one omits
		ts.do(t, "GET", "/api/v1/privacy/cases?limit=1000", testToken, nil, &resp)
		found = 0
		for _, c := range resp.Cases {
			if misuse[[2]string{c.UserID, c.PatientID}] {
				found++
			}
		}
		return resp.Analysed && found > 0 && resp.Summary != nil && resp.Summary.Accesses > 0
	})
	t.Logf("%d cases, %d of them injected misuse (%d pairs injected); %d accesses analysed",
		len(resp.Cases), found, len(misuse), resp.Summary.Accesses)
	// What the guardian holds is on /metrics; nothing is dropped within
	// the default bound.
	for _, name := range []string{"vigil_privacy_accesses", "vigil_privacy_care_messages_total", "vigil_privacy_patients", "vigil_privacy_episodes"} {
		if v := ts.metric(t, name); v <= 0 {
			t.Errorf("/metrics %s = %v, want a count above 0", name, v)
		}
	}
	for _, name := range []string{"vigil_privacy_accesses_dropped_total", "vigil_privacy_episodes_dropped_total"} {
		if v := ts.metric(t, name); v != 0 {
			t.Errorf("/metrics %s = %v, want 0", name, v)
		}
	}
}

// sendADT sends every message of the generated ADT files over one MLLP
// connection, each acknowledged AA.
func sendADT(t *testing.T, ts *testService, dir string) {
	t.Helper()
	tcp, _ := ts.svc.MLLPAddrs()
	conn, err := net.Dial("tcp", tcp.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.hl7"))
	if len(files) == 0 {
		t.Fatal("the generator wrote no ADT files")
	}
	acks := hl7.NewMLLPReader(conn, 0)
	for _, f := range files {
		for _, msg := range hl7.Split(readFile(t, f)) {
			if err := hl7.WriteMLLP(conn, msg); err != nil {
				t.Fatal(err)
			}
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			raw, err := acks.Next()
			if err != nil {
				t.Fatal(err)
			}
			if ack, err := hl7.Parse(raw); err != nil || ack.Get("MSA-1") != "AA" {
				t.Fatalf("%s: ACK %q, %v", filepath.Base(f), raw, err)
			}
		}
	}
}

// sendAccesses posts the generated access log as NDJSON, 500 lines a time.
func sendAccesses(t *testing.T, ts *testService, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var body bytes.Buffer
	flush := func() {
		if body.Len() == 0 {
			return
		}
		resp, data := ts.postFHIR(t, "/fhir/AuditEvent", "application/fhir+ndjson", body.Bytes())
		if resp.StatusCode/100 != 2 {
			t.Fatalf("POST /fhir/AuditEvent: %d %s", resp.StatusCode, data)
		}
		body.Reset()
	}
	for n := 1; sc.Scan(); n++ {
		body.Write(sc.Bytes())
		body.WriteByte('\n')
		if n%500 == 0 {
			flush()
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
