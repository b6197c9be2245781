package oidc

import (
	"html/template"
	"net/http"
)

// page is what the login routes show the person: they answer a browser,
// so their errors are pages, not JSON.
type page struct {
	Title    string
	Message  string
	Detail   []string // shown as a list: the claim values that mapped to no role
	Link     string   // where to go next
	LinkText string
	// Refresh moves the browser on to Link at once. The signed-in page
	// uses it instead of a redirect: the browser arrives at the callback
	// from the provider's site, and a redirect from there would be a
	// cross-site navigation that does not carry the SameSite=Strict
	// session cookie; the refresh is a navigation from Vigil's own page.
	Refresh bool
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if .Refresh}}<meta http-equiv="refresh" content="0;url={{.Link}}">{{end}}
<title>{{.Title}} – Vigil</title>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p id="message">{{.Message}}</p>
{{with .Detail}}<ul>{{range .}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
<p><a href="{{.Link}}">{{.LinkText}}</a></p>
</main>
</body>
</html>
`))

// show answers code with p.
func show(w http.ResponseWriter, code int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	pageTemplate.Execute(w, p) // a failed write means the browser went away
}
