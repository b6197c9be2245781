package report

import (
	"io"
	"math"
)

// Page margins and text sizes of the PDF, in points.
const (
	margin   = 50
	bodySize = 9.5
	leading  = 1.35
)

// pdfFlow lays text out down the pages, starting a new page when the
// next block does not fit.
type pdfFlow struct {
	doc  *pdfDoc
	page *pdfPage
	y    float64
}

func (f *pdfFlow) newPage() {
	f.page = f.doc.newPage()
	f.y = margin
}

// need starts a new page unless h points are left.
func (f *pdfFlow) need(h float64) {
	if f.page == nil || f.y+h > pageH-margin {
		f.newPage()
	}
}

// para writes wrapped text at x with the given indent width.
func (f *pdfFlow) para(s string, size float64, bold bool, ink rgb, indent float64) {
	for _, l := range wrap(s, size, pageW-2*margin-indent, bold) {
		f.need(size * leading)
		f.y += size * leading
		f.page.text(margin+indent, f.y, size, l, ink, anchorStart, bold)
	}
}

func (f *pdfFlow) heading(s string) {
	f.need(60) // keep a heading with what follows it
	f.y += 10
	f.para(s, 14, true, black, 0)
	f.y += 4
	f.page.line(margin, f.y, pageW-margin, f.y, 1.5, blue)
	f.y += 4
}

// table draws t with columns sized to their content, cells wrapped.
func (f *pdfFlow) table(t Table) {
	f.y += 4
	if len(t.Rows) == 0 {
		f.para(t.Caption+": "+t.Empty, bodySize, false, black, 0)
		return
	}
	f.para(t.Caption, bodySize, true, black, 0)
	widths := columnWidths(t, pageW-2*margin)
	f.row(t.Head, widths, true)
	for _, r := range t.Rows {
		f.row(r, widths, false)
	}
}

// row draws one table row, wrapping each cell to its column.
func (f *pdfFlow) row(cells []string, widths []float64, head bool) {
	const size, pad = 8.5, 3
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		lines[i] = wrap(c, size, widths[i]-2*pad, head)
		n = max(n, len(lines[i]))
	}
	h := float64(n)*size*leading + 2*pad
	f.need(h)
	if head {
		f.page.rect(margin, f.y, pageW-2*margin, h, lightbg)
	}
	x := float64(margin)
	for i := range cells {
		for j, l := range lines[i] {
			f.page.text(x+pad, f.y+pad+float64(j+1)*size*leading-2, size, l, black, anchorStart, head)
		}
		x += widths[i]
	}
	f.y += h
	f.page.line(margin, f.y, pageW-margin, f.y, 0.5, rule)
}

// columnWidths shares width among columns by the widest text in each,
// each column getting at least a share for short headings.
func columnWidths(t Table, width float64) []float64 {
	want := make([]float64, len(t.Head))
	for i, h := range t.Head {
		want[i] = textWidth(h, 8.5, true) + 8
	}
	for _, r := range t.Rows {
		for i, c := range r {
			if i < len(want) {
				want[i] = max(want[i], math.Min(textWidth(c, 8.5, false)+8, 260))
			}
		}
	}
	total := 0.0
	for _, w := range want {
		total += w
	}
	out := make([]float64, len(want))
	for i, w := range want {
		out[i] = w * width / total
	}
	return out
}

// WritePDF writes d as a PDF: the title, summary and heat map on the
// first page, the charts on the second, then the sections.
func WritePDF(w io.Writer, d *Doc) error {
	_, err := layoutPDF(d).WriteTo(w)
	return err
}

// layoutPDF lays d out on pages.
func layoutPDF(d *Doc) *pdfDoc {
	f := &pdfFlow{doc: &pdfDoc{}}
	f.newPage()
	f.para(d.Title, 20, true, black, 0)
	f.y += 4
	f.para(d.Subtitle, bodySize, false, muted, 0)
	f.heading("Summary")
	for _, s := range d.Summary {
		f.need(bodySize * leading)
		f.page.rect(margin+2, f.y+6, 3, 3, black)
		f.para(s, bodySize, false, black, 12)
		f.y += 2
	}
	if len(d.Heat) > 0 {
		_, h := heatSize(d.Heat)
		f.heading("CAF outcomes at a glance")
		f.need(h + 30)
		drawHeat(f.page, margin, f.y+4, d.Heat)
		f.y += h + 8
	}
	if d.HeatNote != "" {
		f.para(d.HeatNote, 8.5, false, muted, 0)
	}
	if len(d.Charts) > 0 {
		f.newPage()
		f.heading("In pictures")
		top := f.y + 6
		for i, ch := range d.Charts {
			x := float64(margin) + float64(i%2)*(chartW-5)
			y := top + float64(i/2)*(chartH+70)
			drawChart(f.page, x, y, ch)
			altY := y + chartH
			for _, l := range wrap(ch.Alt, 7, chartW-15, false)[:min(5, len(wrap(ch.Alt, 7, chartW-15, false)))] {
				altY += 9
				f.page.text(x, altY, 7, l, muted, anchorStart, false)
			}
		}
		f.y = top + float64((len(d.Charts)+1)/2)*(chartH+70)
	}
	if len(d.Charts) > 0 {
		f.newPage() // the detail starts after the two pages of summary
	}
	for _, s := range d.Sections {
		f.section(s)
	}
	return f.doc
}

func (f *pdfFlow) section(s Section) {
	f.heading(s.Title)
	for _, p := range s.Paras {
		f.para(p, bodySize, false, black, 0)
		f.y += 3
	}
	for _, t := range s.Tables {
		f.table(t)
		f.y += 4
	}
	f.y += 2
	f.para("Where this comes from: "+s.Source, 8, false, muted, 0)
	for _, m := range s.Missing {
		f.para("Missing: "+m, 8, false, muted, 0)
	}
}
