package scaletest

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/report"
	"github.com/vigilhealth/vigil/internal/serve"
)

// TestAPINodeServesReports: an API node serves the reports pages and the
// board pack and staff briefing, HTML and PDF, gathered from PostgreSQL:
// each role gets what it gets from role all (board, analyst and privacy
// officer the reports; a log shipper's token none), the board's PDF is
// whole, and the pack counts the alerts the detect nodes committed.
func TestAPINodeServesReports(t *testing.T) {
	key := t.TempDir()
	d := &deployment{t: t, dsn: pgtest.SchemaDSN(t, key)}
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 2})
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	a := &alert.Alert{ID: "a1", RuleID: "r1", RuleTitle: "Ransomware note written", Level: "critical", Host: "WARD-PC-01", Key: "k",
		Count: 1, FirstSeen: now.Add(-time.Minute), LastSeen: now.Add(-time.Minute), Status: alert.StatusOpen, IncidentID: "i1"}
	inc := &alert.Incident{ID: "i1", Title: "Ransomware on WARD-PC-01", Level: "critical", Status: alert.StatusOpen,
		FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, AlertIDs: []string{"a1"}, Hosts: []string{"WARD-PC-01"}}
	if err := db.Alerts().Commit(ctx, 1, []*alert.Alert{a}, []*alert.Incident{inc}); err != nil {
		t.Fatal(err)
	}
	tokens := map[auth.Role]string{}
	for _, r := range []auth.Role{auth.RoleBoard, auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleIngest} {
		secret, _, err := db.Tokens().Create(r, string(r))
		if err != nil {
			t.Fatal(err)
		}
		tokens[r] = secret
	}
	n := d.startNode(serve.RoleAPI)
	// The quarter holding the alert, which is the last quarter when one
	// began in the minute since.
	quarter := report.QuarterOf(a.LastSeen).Name
	tests := []struct {
		role  auth.Role
		route string
		code  int
		want  string
	}{
		{auth.RoleBoard, "/reports", 200, "Board pack for"},
		{auth.RoleBoard, "/reports/board?format=pdf", 200, "%PDF-1.4"},
		{auth.RoleBoard, "/reports/staff?format=html", 200, "<!DOCTYPE html>"},
		{auth.RoleAnalyst, "/reports/board?period=" + quarter + "&format=html", 200, "Ransomware on WARD-PC-01"},
		{auth.RoleAnalyst, "/reports/staff?format=pdf", 200, "%PDF-1.4"},
		{auth.RolePrivacyOfficer, "/reports", 200, "Board pack for"},
		{auth.RolePrivacyOfficer, "/reports/board?format=pdf", 200, "%PDF-1.4"},
		{auth.RoleIngest, "/reports", 403, ""},
		{auth.RoleIngest, "/reports/board?format=pdf", 403, ""},
	}
	for _, tc := range tests {
		code, body := call(t, n.base, "GET", tc.route, tokens[tc.role], nil, "", nil)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s GET %s on an API node: %d, want %d with %q:\n%.300s", tc.role, tc.route, code, tc.code, tc.want, body)
		}
		if strings.HasPrefix(body, "%PDF-") {
			checkPDF(t, tc.route, []byte(body))
		}
	}
	// The board's copy names no incident's systems.
	if _, body := call(t, n.base, "GET", "/reports/board?format=html", tokens[auth.RoleBoard], nil, "", nil); strings.Contains(body, "WARD-PC-01") {
		t.Error("the board's board pack names the incident's host")
	}
}

// checkPDF checks that a PDF is whole: its trailer ends it, and
// startxref points at its cross-reference table.
func checkPDF(t *testing.T, what string, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
		t.Errorf("%s: the PDF does not end with %%%%EOF", what)
		return
	}
	i := bytes.LastIndex(b, []byte("startxref"))
	if i < 0 {
		t.Errorf("%s: no startxref", what)
		return
	}
	f := strings.Fields(string(b[i+len("startxref"):]))
	off, err := strconv.Atoi(f[0])
	if err != nil || off <= 0 || off >= len(b) || !bytes.HasPrefix(b[off:], []byte("xref")) {
		t.Errorf("%s: startxref %q does not point at the xref table", what, f[0])
	}
}
