package privacy

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var reportTime = time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC)

// TestPatientReportCSV checks who, when (London time with its zone) and
// why, and "under review" for an access in a case.
func TestPatientReportCSV(t *testing.T) {
	res, _ := runTestTrust(t)
	tests := []struct {
		pat        int
		rows       int
		wantReason string
		wantWho    string
	}{
		{1, 3, "named as one of your clinicians", "Shah"},
		{2, 2, UnderReviewText, "J. Smith"},
		{10, 2, "emergency access", "Reed"},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		if err := WriteReport(&buf, "csv", res.PatientReport(nhs(tc.pat), reportTime)); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != tc.rows+1 || rows[0][0] != "time" {
			t.Fatalf("patient %d: rows %q", tc.pat, rows)
		}
		all := fmt.Sprint(rows[1:])
		if !strings.Contains(all, tc.wantReason) || !strings.Contains(all, tc.wantWho) {
			t.Errorf("patient %d: rows %q lack %q or %q", tc.pat, rows, tc.wantReason, tc.wantWho)
		}
		if !strings.HasSuffix(rows[1][0], " BST") { // May: British Summer Time
			t.Errorf("patient %d: time %q is not London time with its zone", tc.pat, rows[1][0])
		}
	}
}

// TestPatientReportFHIR checks the Bundle: a collection with the Patient
// and one AuditEvent per access, each with the explanation in outcomeDesc
// and the extension, and a reference to the patient.
func TestPatientReportFHIR(t *testing.T) {
	res, _ := runTestTrust(t)
	var buf bytes.Buffer
	if err := WriteReport(&buf, "fhir", res.PatientReport(nhs(2), reportTime)); err != nil {
		t.Fatal(err)
	}
	var b struct {
		ResourceType, Type string
		Total              int
		Entry              []struct {
			Resource struct {
				ResourceType, OutcomeDesc string
				Extension                 []struct{ URL, ValueCode string }
				Entity                    []struct {
					What struct{ Reference string }
				}
				Agent []struct {
					Who struct{ Display string }
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if b.ResourceType != "Bundle" || b.Type != "collection" || b.Total != 2 || len(b.Entry) != 3 || b.Entry[0].Resource.ResourceType != "Patient" {
		t.Fatalf("bundle %+v", b)
	}
	for _, e := range b.Entry[1:] {
		r := e.Resource
		if r.ResourceType != "AuditEvent" || r.OutcomeDesc != UnderReviewText || len(r.Extension) != 1 ||
			r.Extension[0].URL != ExplanationExtension || r.Extension[0].ValueCode != "under-review" ||
			r.Entity[0].What.Reference != "Patient/"+nhs(2) || r.Agent[0].Who.Display != "J. Smith" {
			t.Errorf("audit event %+v", r)
		}
	}
}

// TestPatientReportPDF checks the PDF: the header, an xref table whose
// offsets point at their objects, a trailer, and content streams whose
// text holds every access, across several pages.
func TestPatientReportPDF(t *testing.T) {
	res, _ := runTestTrust(t)
	pr := res.PatientReport(nhs(1), reportTime)
	base := pr.Entries
	for len(pr.Entries) < 150 { // enough rows for three pages
		pr.Entries = append(pr.Entries, base...)
	}
	pr.Entries[0].UserName = "Zoë (O'Neil) \\ Test" // escaping and a non-ASCII letter
	var buf bytes.Buffer
	if err := WriteReport(&buf, "pdf", pr); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.HasPrefix(data, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(data, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF 1.4 file: %q...", data[:20])
	}
	checkXref(t, data)
	text := pdfTextOf(t, data)
	if n := strings.Count(text, "Shah"); n < 150/3 {
		t.Errorf("text holds %d accesses by Shah, want at least 50", n)
	}
	for _, want := range []string{"Who has opened your health record", nhs(1), "named as one of your clinicians", "Zo\xeb (O'Neil) \\ Test"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if pages := bytes.Count(data, []byte("/Type /Page ")); pages < 3 {
		t.Errorf("%d pages, want at least 3", pages)
	}
}

// checkXref reads startxref, the xref table and the trailer, and checks
// that every in-use entry points at "N 0 obj".
func checkXref(t *testing.T, data []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	rest := string(data[off:])
	if !strings.HasPrefix(rest, "xref\n0 ") {
		t.Fatalf("startxref %d does not point at the xref table: %q", off, rest[:min(20, len(rest))])
	}
	lines := strings.Split(rest, "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	if n < 5 || !strings.Contains(rest, fmt.Sprintf("/Size %d ", n)) {
		t.Fatalf("xref of %d entries, trailer %q", n, rest)
	}
	for i := 1; i < n; i++ {
		e := lines[2+i]
		if len(e) != 19 || !strings.HasSuffix(e, " 00000 n ") { // 20 bytes with the newline
			t.Fatalf("xref entry %d: %q", i, e)
		}
		o, _ := strconv.Atoi(e[:10])
		if want := fmt.Sprintf("%d 0 obj\n", i); !bytes.HasPrefix(data[o:], []byte(want)) {
			t.Errorf("xref entry %d points at %q", i, data[o:o+10])
		}
	}
}

// pdfTextOf decodes the literal strings shown by Tj in every content
// stream, one line each.
func pdfTextOf(t *testing.T, data []byte) string {
	t.Helper()
	var out strings.Builder
	streams := regexp.MustCompile(`(?s)/Length (\d+) >>\nstream\n(.*?)endstream`).FindAllSubmatch(data, -1)
	if len(streams) == 0 {
		t.Fatal("no content streams")
	}
	for _, s := range streams {
		if n, _ := strconv.Atoi(string(s[1])); n != len(s[2]) {
			t.Errorf("stream /Length %d, holds %d bytes", n, len(s[2]))
		}
		for _, line := range strings.Split(string(s[2]), "\n") {
			i, j := strings.IndexByte(line, '('), strings.LastIndex(line, ") Tj")
			if i < 0 || j < i {
				continue
			}
			out.WriteString(unescapePDF(line[i+1:j]) + "\n")
		}
	}
	return out.String()
}

func unescapePDF(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] >= '0' && s[i] <= '7' && i+2 < len(s) {
			v, _ := strconv.ParseUint(s[i:i+3], 8, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestReportUnknownFormatAndPatient checks an unknown format is refused
// and a patient nobody opened gets an empty, valid report.
func TestReportUnknownFormatAndPatient(t *testing.T) {
	res, _ := runTestTrust(t)
	pr := res.PatientReport("999 000 0000", reportTime)
	if len(pr.Entries) != 0 {
		t.Errorf("entries %+v", pr.Entries)
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, "pdf", pr); err != nil || !strings.Contains(pdfTextOf(t, buf.Bytes()), "No one has opened") {
		t.Errorf("empty pdf report: %v", err)
	}
	if err := WriteReport(&buf, "docx", pr); err == nil {
		t.Error("format docx accepted")
	}
}
