package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/privacy"
)

// TestPrivacyReportRecorded: vigil privacy report --data records the
// report given (by whom, in which format, the patient as a keyed hash),
// and a --data folder that does not exist stops it before any report.
func TestPrivacyReportRecorded(t *testing.T) {
	args := func(extra ...string) []string {
		a := trustArgs("pdf")
		a[1] = "report"
		return append(append(a, "--patient", "999 000 0026", "--output", filepath.Join(t.TempDir(), "r.pdf")), extra...)
	}
	data := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(args("--data", data, "--by", "priya.vacy"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got, err := privacy.ReadPatientReports(data)
	if err != nil || len(got.Records) != 1 {
		t.Fatalf("records %+v, %v", got, err)
	}
	r := got.Records[0]
	if r.By != "priya.vacy" || r.Format != "pdf" || r.Via != privacy.ViaCommand || r.Accesses == 0 || !strings.HasPrefix(r.Patient, "hmac-sha256:") {
		t.Errorf("record %+v", r)
	}
	raw, _ := os.ReadFile(filepath.Join(data, privacy.StateDir, privacy.PatientReportsFile))
	if strings.Contains(string(raw), "9990000026") {
		t.Errorf("the record names the patient: %s", raw)
	}
	errb.Reset()
	missing := filepath.Join(data, "no-such-folder")
	if code := run(args("--data", missing), &out, &errb); code == 0 || !strings.Contains(errb.String(), "--data") {
		t.Errorf("--data %s: exit %d, %s", missing, code, errb.String())
	}
}
