package privacy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// The patient report's PDF is written by hand: PDF 1.4, landscape A4, the
// standard Helvetica fonts (which every reader has, so nothing is
// embedded), uncompressed content streams, and a table of the accesses
// across as many pages as it needs. Text outside Latin-1 is written as
// "?": Helvetica's WinAnsi encoding has no other glyphs.

const (
	pdfWidth, pdfHeight = 842, 595 // A4 landscape, in points
	pdfMargin           = 40
	pdfFontSize         = 8
	pdfLine             = 11 // leading, points
	pdfReasonChars      = 95 // the reason column wraps at this many characters
)

// pdfColumns are the table's columns: heading and x position.
var pdfColumns = []struct {
	head string
	x    int
}{{"When", pdfMargin}, {"Who", 140}, {"Role", 260}, {"Why", 420}}

// WritePDF writes the report as a PDF 1.4 document.
func (pr *PatientReport) WritePDF(w io.Writer) error {
	pages := pr.pdfPages()
	var buf bytes.Buffer
	offsets := []int{0} // object 0 is the free head of the xref table
	obj := func(body string) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offsets)-1, body)
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") // a binary comment line marks the file as binary
	n := len(pages)
	kids := make([]string, n)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	for i, content := range pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>",
			pdfWidth, pdfHeight, 6+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content))
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for _, off := range offsets[1:] {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets), xref)
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("patient report pdf: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("patient report pdf: %w", err)
	}
	return nil
}

// pdfPages lays the report out and returns each page's content stream.
func (pr *PatientReport) pdfPages() []string {
	var pages []string
	var page *strings.Builder
	y := 0
	newPage := func() {
		if page != nil {
			pages = append(pages, page.String())
		}
		page = &strings.Builder{}
		y = pdfHeight - pdfMargin
		if len(pages) == 0 {
			pdfText(page, "F2", 14, pdfMargin, y, "Who has opened your health record")
			y -= 20
			pdfText(page, "F1", 10, pdfMargin, y, fmt.Sprintf("%s, NHS number %s. Generated %s. %d accesses.",
				firstOf(pr.Name, "Patient"), pr.NHSNumber, pr.When(pr.Generated), len(pr.Entries)))
			y -= 24
		}
		for _, c := range pdfColumns {
			pdfText(page, "F2", pdfFontSize, c.x, y, c.head)
		}
		y -= pdfLine + 2
	}
	newPage()
	for i := range pr.Entries {
		e := &pr.Entries[i]
		name, role := pr.Who(e)
		why := wrap(pr.Reason(e), pdfReasonChars)
		if y-pdfLine*len(why) < pdfMargin {
			newPage()
		}
		for j, v := range []string{pr.When(e.Time), clip(name, 24), clip(role, 34)} {
			pdfText(page, "F1", pdfFontSize, pdfColumns[j].x, y, v)
		}
		for _, line := range why {
			pdfText(page, "F1", pdfFontSize, pdfColumns[3].x, y, line)
			y -= pdfLine
		}
	}
	if len(pr.Entries) == 0 {
		pdfText(page, "F1", pdfFontSize, pdfMargin, y, "No one has opened this record in the period audited.")
	}
	return append(pages, page.String())
}

// pdfText draws one line of text at (x, y).
func pdfText(b *strings.Builder, font string, size, x, y int, s string) {
	fmt.Fprintf(b, "BT /%s %d Tf %d %d Td (%s) Tj ET\n", font, size, x, y, pdfString(s))
}

// pdfString escapes s for a PDF literal string in WinAnsi (Latin-1).
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// wrap splits s into lines of at most n characters at spaces.
func wrap(s string, n int) []string {
	var lines []string
	for len(s) > n {
		i := strings.LastIndexByte(s[:n], ' ')
		if i <= 0 {
			i = n
		}
		lines = append(lines, s[:i])
		s = strings.TrimLeft(s[i:], " ")
	}
	return append(lines, s)
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "."
}
