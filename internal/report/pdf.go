package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// A4 in points.
const (
	pageW = 595.28
	pageH = 841.89
)

// pdfDoc writes a PDF 1.4 file by hand: A4 pages whose content streams
// draw text in the standard Helvetica fonts (WinAnsi encoding), filled
// rectangles and lines. No font is embedded: every reader has the
// standard fourteen.
type pdfDoc struct {
	pages []*pdfPage
}

// pdfPage is one page's content stream; it is a canvas. It remembers the
// rectangles it filled, in canvas coordinates, so that tests can look for
// them in the rendered page.
type pdfPage struct {
	b     bytes.Buffer
	rects []filled
}

// filled is a rectangle drawn on a page.
type filled struct {
	x, y, w, h float64
	fill       rgb
}

func (d *pdfDoc) newPage() *pdfPage {
	p := &pdfPage{}
	d.pages = append(d.pages, p)
	return p
}

func (p *pdfPage) colour(c rgb, op string) {
	fmt.Fprintf(&p.b, "%.3f %.3f %.3f %s\n", float64(c.r)/255, float64(c.g)/255, float64(c.b)/255, op)
}

func (p *pdfPage) rect(x, y, w, h float64, fill rgb) {
	p.rects = append(p.rects, filled{x, y, w, h, fill})
	p.colour(fill, "rg")
	fmt.Fprintf(&p.b, "%.2f %.2f %.2f %.2f re f\n", x, pageH-y-h, w, h)
}

func (p *pdfPage) line(x1, y1, x2, y2, width float64, stroke rgb) {
	p.colour(stroke, "RG")
	fmt.Fprintf(&p.b, "%.2f w %.2f %.2f m %.2f %.2f l S\n", width, x1, pageH-y1, x2, pageH-y2)
}

func (p *pdfPage) text(x, y, size float64, s string, fill rgb, anchor int, bold bool) {
	w := textWidth(s, size, bold)
	switch anchor {
	case anchorMiddle:
		x -= w / 2
	case anchorEnd:
		x -= w
	}
	font := "F1"
	if bold {
		font = "F2"
	}
	p.colour(fill, "rg")
	fmt.Fprintf(&p.b, "BT /%s %.1f Tf %.2f %.2f Td (%s) Tj ET\n", font, size, x, pageH-y, pdfString(s))
}

// pdfString encodes s in WinAnsi and escapes it for a literal string.
func pdfString(s string) string {
	var b strings.Builder
	for _, c := range winAnsi(s) {
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 32 || c > 126:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// WriteTo writes the file: header, catalogue, page tree, fonts, pages and
// their contents, then the cross-reference table and trailer, each
// object's byte offset recorded as it is written.
func (d *pdfDoc) WriteTo(w io.Writer) (int64, error) {
	var out bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	kids := make([]string, len(d.pages))
	for i := range d.pages {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(d.pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	for i, p := range d.pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>",
			pageW, pageH, 6+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", p.b.Len(), p.b.String()))
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.WriteTo(w)
}
