package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// svgCanvas draws into an SVG element's body.
type svgCanvas struct{ b strings.Builder }

func (s *svgCanvas) rect(x, y, w, h float64, fill rgb) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, y, w, h, fill.hex())
}

func (s *svgCanvas) line(x1, y1, x2, y2, width float64, stroke rgb) {
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"/>`, x1, y1, x2, y2, stroke.hex(), width)
}

func (s *svgCanvas) text(x, y, size float64, t string, fill rgb, anchor int, bold bool) {
	a := [...]string{"start", "middle", "end"}[anchor]
	weight := ""
	if bold {
		weight = ` font-weight="bold"`
	}
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" font-size="%.1f" fill="%s" text-anchor="%s"%s>%s</text>`, x, y, size, fill.hex(), a, weight, html.EscapeString(t))
}

// svg wraps what draw drew, w × h points, as an image with a title and a
// description for those who cannot see it.
func svg(w, h float64, title, desc string, draw func(canvas)) template.HTML {
	var c svgCanvas
	draw(&c)
	return template.HTML(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%[3]s-t %[3]s-d" viewBox="0 0 %.0[1]f %.0[2]f" width="%.0[1]f" height="%.0[2]f" font-family="Helvetica, Arial, sans-serif"><title id="%[3]s-t">%[4]s</title><desc id="%[3]s-d">%[5]s</desc>%[6]s</svg>`,
		w, h, svgID(title), html.EscapeString(title), html.EscapeString(desc), c.b.String()))
}

// svgID makes an element id from a title.
func svgID(title string) string {
	var b strings.Builder
	b.WriteString("g-")
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
