package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/assure"
)

// rgb is a colour.
type rgb struct{ r, g, b uint8 }

func (c rgb) hex() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

// Colours of the report. Status colours carry text in the contrast the
// WCAG's AA level asks for: white on green and red, black on amber and
// grey.
var (
	black   = rgb{0x1a, 0x1a, 0x1a}
	white   = rgb{0xff, 0xff, 0xff}
	muted   = rgb{0x59, 0x59, 0x59}
	rule    = rgb{0xb0, 0xb0, 0xb0}
	green   = rgb{0x2e, 0x7d, 0x32}
	amber   = rgb{0xf5, 0xa6, 0x23}
	red     = rgb{0xc6, 0x28, 0x28}
	grey    = rgb{0xc8, 0xc8, 0xc8}
	blue    = rgb{0x1f, 0x5f, 0xa8}
	lightbg = rgb{0xf2, 0xf2, 0xf2}
)

// statusColour is the heat map's fill for a status, and the text colour on it.
func statusColour(s assure.Status) (fill, ink rgb) {
	switch s {
	case assure.Achieved:
		return green, white
	case assure.PartiallyAchieved:
		return amber, black
	case assure.NotAchieved:
		return red, white
	}
	return grey, black
}

// statusName is a status in words, "Not assessed" for none.
func statusName(s assure.Status) string {
	if s == assure.Unassessed {
		return "Not assessed"
	}
	return string(s)
}

// Text anchors.
const (
	anchorStart = iota
	anchorMiddle
	anchorEnd
)

// canvas is what charts draw on: SVG for the HTML, a PDF page for the PDF.
// Coordinates are points from the top left; text y is its baseline.
type canvas interface {
	rect(x, y, w, h float64, fill rgb)
	line(x1, y1, x2, y2, width float64, stroke rgb)
	text(x, y, size float64, s string, fill rgb, anchor int, bold bool)
}

// heatCell is one outcome in the heat map.
type heatCell struct {
	Code   string
	Status assure.Status
	Gap    bool // below the target profile
	Moved  string
}

// heatRow is one principle's outcomes.
type heatRow struct {
	Principle string
	Cells     []heatCell
}

// Heat map geometry, in points.
const (
	heatLabelW = 34
	heatCellW  = 46
	heatCellH  = 18
	heatGapY   = 3
)

// heatSize is the space the heat map and its legend take.
func heatSize(rows []heatRow) (w, h float64) {
	most := 0
	for _, r := range rows {
		most = max(most, len(r.Cells))
	}
	return max(heatLabelW+float64(most)*(heatCellW+2), 400), float64(len(rows))*(heatCellH+heatGapY) + 26
}

// drawHeat draws one row per principle, its outcomes as cells coloured by
// status; an outcome below its target has a heavy black frame.
func drawHeat(c canvas, x, y float64, rows []heatRow) {
	for i, r := range rows {
		ry := y + float64(i)*(heatCellH+heatGapY)
		c.text(x, ry+12.5, 9, r.Principle, black, anchorStart, true)
		for j, cell := range r.Cells {
			cx := x + heatLabelW + float64(j)*(heatCellW+2)
			fill, ink := statusColour(cell.Status)
			if cell.Gap {
				c.rect(cx-1.5, ry-1.5, heatCellW+3, heatCellH+3, black)
			}
			c.rect(cx, ry, heatCellW, heatCellH, fill)
			c.text(cx+heatCellW/2, ry+12.5, 8, cell.Code+cell.Moved, ink, anchorMiddle, false)
		}
	}
	ly := y + float64(len(rows))*(heatCellH+heatGapY) + 10
	lx := x
	for _, s := range []assure.Status{assure.Achieved, assure.PartiallyAchieved, assure.NotAchieved, assure.Unassessed} {
		fill, _ := statusColour(s)
		c.rect(lx, ly, 10, 10, fill)
		c.text(lx+13, ly+8.5, 8, statusName(s), black, anchorStart, false)
		lx += 17 + 4.6*float64(len(statusName(s)))
	}
	c.rect(lx, ly-1.5, 13, 13, black)
	c.rect(lx+1.5, ly, 10, 10, white)
	c.text(lx+16, ly+8.5, 8, "below target", black, anchorStart, false)
}

// bar is one bar of a bar chart.
type bar struct {
	Label string
	Value float64
	Text  string // the value as shown
	Fill  rgb
}

// chart is a bar chart or, with Line set, a line over the bars' values.
type chart struct {
	Title string
	Alt   string // the text alternative: what the chart shows, in words
	Bars  []bar
	Line  bool
	Max   float64 // top of the scale; 0: the largest value
}

// Chart geometry, in points.
const (
	chartW = 250
	chartH = 150
)

// drawChart draws ch in a chartW × chartH box at x, y.
func drawChart(c canvas, x, y float64, ch chart) {
	c.text(x, y+10, 10, ch.Title, black, anchorStart, true)
	top, base := y+34, y+chartH-22
	left, right := x+8, x+chartW-4
	if len(ch.Bars) == 0 {
		c.text(x, y+40, 9, "No figures for this period.", muted, anchorStart, false)
		return
	}
	hi := ch.Max
	for _, b := range ch.Bars {
		hi = max(hi, b.Value)
	}
	if hi == 0 {
		hi = 1
	}
	c.line(left, base, right, base, 0.8, muted)
	slot := (right - left) / float64(len(ch.Bars))
	bw := min(slot*0.7, 48)
	var px, py float64
	for i, b := range ch.Bars {
		cx := left + slot*(float64(i)+0.5)
		h := (base - top) * b.Value / hi
		if ch.Line {
			if i > 0 {
				c.line(px, py, cx, base-h, 2, b.Fill)
			}
			c.rect(cx-2.5, base-h-2.5, 5, 5, b.Fill)
			px, py = cx, base-h
		} else {
			c.rect(cx-bw/2, base-h, bw, h, b.Fill)
		}
		if ch.Line && len(ch.Bars) > 8 && i%2 == 1 {
			continue
		}
		c.text(cx, base-h-4, 8, b.Text, black, anchorMiddle, false)
		c.text(cx, base+11, 7.5, b.Label, black, anchorMiddle, false)
	}
}

// num formats a count.
func num(n int) string { return strconv.Itoa(n) }

// heatAlt describes the heat map in words: each status and its outcomes.
func heatAlt(rows []heatRow) string {
	by := map[assure.Status][]string{}
	var gaps []string
	for _, r := range rows {
		for _, c := range r.Cells {
			by[c.Status] = append(by[c.Status], c.Code)
			if c.Gap {
				gaps = append(gaps, c.Code)
			}
		}
	}
	s := "Heat map of CAF outcomes, one row per principle."
	for _, st := range []assure.Status{assure.Achieved, assure.PartiallyAchieved, assure.NotAchieved, assure.Unassessed} {
		s += fmt.Sprintf(" %s: %d (%s).", statusName(st), len(by[st]), listOr(by[st]))
	}
	return s + fmt.Sprintf(" Below target: %d.", len(gaps))
}

func listOr(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	if len(s) > 12 {
		return strings.Join(s[:12], ", ") + " and others"
	}
	return strings.Join(s, ", ")
}
