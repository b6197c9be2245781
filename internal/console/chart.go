package console

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Chart sizes, in SVG user units (the image scales to its box).
const (
	chartW, chartH = 720.0, 240.0
	chartLeft      = 48.0 // room for the axis labels
	chartBottom    = 28.0
	chartTop       = 12.0
)

// StackedBars is a bar chart whose bars are stacked by series (alert
// levels), drawn as SVG with classes for colour (the CSS gives them),
// and a title and description for screen readers; the page shows the
// same figures as a table beside it.
type StackedBars struct {
	Title, Desc string
	Labels      []string // one per bar, shown under every few bars
	Series      []string // bottom first; the class of series s is "bar-s"
	Counts      [][]int  // Counts[bar][series]
	// Classes, when set, name the series' classes instead ("bar-" and
	// Classes[s]), for series named by data rather than by the stylesheet.
	Classes []string
}

// class is series s's class suffix.
func (c StackedBars) class(s int) string {
	if s < len(c.Classes) {
		return c.Classes[s]
	}
	return c.Series[s]
}

// SVG draws the chart.
func (c StackedBars) SVG() template.HTML {
	maxTotal := 1
	for _, bar := range c.Counts {
		maxTotal = max(maxTotal, sum(bar))
	}
	plotH := chartH - chartBottom - chartTop
	slot := (chartW - chartLeft) / float64(max(1, len(c.Counts)))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %.0f %.0f" aria-labelledby="%[3]s-t %[3]s-d">`, chartW, chartH, chartID(c.Title))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%[1]s-d">%[3]s</desc>`, chartID(c.Title), html.EscapeString(c.Title), html.EscapeString(c.Desc))
	axis(&b, maxTotal, plotH)
	every := max(1, len(c.Labels)/8)
	for i, bar := range c.Counts {
		x := chartLeft + float64(i)*slot
		y := chartTop + plotH
		for s, n := range bar {
			h := float64(n) / float64(maxTotal) * plotH
			y -= h
			if n > 0 {
				fmt.Fprintf(&b, `<rect class="bar-%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, html.EscapeString(c.class(s)), x+1, y, slot-2, h)
			}
		}
		if i%every == 0 && i < len(c.Labels) {
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f">%s</text>`, x, chartH-8, html.EscapeString(c.Labels[i]))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped text and numbers only
}

// axis draws the y axis's baseline and its top value.
func axis(b *strings.Builder, top int, plotH float64) {
	fmt.Fprintf(b, `<line class="axis-line" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, chartLeft, chartTop+plotH, chartW, chartTop+plotH)
	fmt.Fprintf(b, `<text class="axis" x="4" y="%.0f">%d</text><text class="axis" x="4" y="%.0f">0</text>`, chartTop+10, top, chartTop+plotH)
}

// Totals are the bars' totals, for the table.
func (c StackedBars) Totals() []int {
	out := make([]int, len(c.Counts))
	for i, bar := range c.Counts {
		out[i] = sum(bar)
	}
	return out
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// chartID makes an element id from a title.
func chartID(title string) string {
	var b strings.Builder
	b.WriteString("chart-")
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
