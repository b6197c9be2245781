package report

import (
	"embed"
	"html/template"
	"io"
)

//go:embed templates/*.tmpl
var templates embed.FS

var docTemplate = template.Must(template.ParseFS(templates, "templates/doc.html.tmpl"))

// htmlChart is a chart drawn as SVG, with its text alternative.
type htmlChart struct {
	SVG template.HTML
	Alt string
}

// WriteHTML writes d as one self-contained HTML file: inline CSS and SVG,
// no script, nothing fetched.
func WriteHTML(w io.Writer, d *Doc) error {
	view := struct {
		*Doc
		HeatSVG template.HTML
		HeatAlt string
		Charts  []htmlChart
	}{Doc: d}
	if len(d.Heat) > 0 {
		w, h := heatSize(d.Heat)
		view.HeatAlt = heatAlt(d.Heat)
		view.HeatSVG = svg(w, h, "CAF outcome heat map", view.HeatAlt, func(c canvas) { drawHeat(c, 0, 2, d.Heat) })
	}
	for _, ch := range d.Charts {
		view.Charts = append(view.Charts, htmlChart{SVG: svg(chartW, chartH, ch.Title, ch.Alt, func(c canvas) { drawChart(c, 0, 0, ch) }), Alt: ch.Alt})
	}
	return docTemplate.Execute(w, view)
}
