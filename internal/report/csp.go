package report

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// HTMLPolicy is a Content-Security-Policy that fits what WriteHTML writes
// and nothing more: its one style element (by its hash), no script, no
// fetch of any kind, no form, and framing by pages of the same site only
// (the console shows the report in a frame). A service that sends the
// report to a browser answers with it.
var HTMLPolicy = htmlPolicy()

func htmlPolicy() string {
	src, err := templates.ReadFile("templates/doc.html.tmpl")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	_, rest, ok := strings.Cut(string(src), "<style>")
	css, _, ok2 := strings.Cut(rest, "</style>")
	if !ok || !ok2 || strings.Contains(css, "{{") {
		panic("report: the HTML template must have one fixed <style> element")
	}
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
}
