package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/vigilhealth/vigil/internal/auth"
)

//go:embed templates/*.html
var templateFS embed.FS

// View is the dot of every page template: the page's own Data and what
// the layout needs.
type View struct {
	Title     string // set by the page's "title" block; the layout reads it
	Principal auth.Principal
	LoggedIn  bool
	Nav       []NavLink // the pages the viewer's role may open
	Path      string    // the request's path, to mark the current link
	CSRF      string    // the session's CSRF token, for forms (csrf_token)
	Data      any
}

// NavLink is one link of the navigation.
type NavLink struct {
	Path, Label string
	Current     bool
}

type navLink struct {
	path, label string
	roles       []auth.Role
}

// navOf lists the pages that have a navigation label, in order.
func navOf(pages []Page) []navLink {
	var out []navLink
	for _, p := range pages {
		if p.Nav == "" {
			continue
		}
		_, route, _ := strings.Cut(p.Pattern, " ")
		out = append(out, navLink{path: strings.TrimSuffix(route, "{$}"), label: p.Nav, roles: p.Roles})
	}
	return out
}

// parseTemplates parses each page template with the layout and the
// partials (templates/_*.html) into its own set, so that every page may
// define the same block names.
func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	shared := []string{"templates/layout.html"}
	var pages []string
	for _, n := range names {
		switch base := path.Base(n); {
		case base == "layout.html":
		case strings.HasPrefix(base, "_"):
			shared = append(shared, n)
		default:
			pages = append(pages, n)
		}
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, append(shared, p)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		out[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return out, nil
}

// Render answers code with the page template name (templates/NAME.html)
// inside the layout, data as the View's Data. It is how every page
// answers. The page is rendered into a buffer first, so that a template
// error answers 500 rather than half a page.
func (c *Console) Render(w http.ResponseWriter, r *http.Request, code int, name string, data any) {
	t, ok := c.tmpl[name]
	if !ok {
		c.deps.Log.Error("console: no such page template", "template", name, "path", r.URL.Path)
		http.Error(w, "Sorry, this page could not be shown.", http.StatusInternalServerError)
		return
	}
	v := c.view(r, data)
	var title bytes.Buffer
	if err := t.ExecuteTemplate(&title, "title", v); err == nil {
		v.Title = strings.TrimSpace(title.String())
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		c.deps.Log.Error("console: render", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "Sorry, this page could not be shown.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages may show patient data; not kept in a shared browser's cache
	w.WriteHeader(code)
	w.Write(b.Bytes()) // a failed write means the client went away
}

// view is the View of r for a page's data.
func (c *Console) view(r *http.Request, data any) View {
	p, ok := auth.FromContext(r.Context())
	v := View{Principal: p, LoggedIn: ok, Path: r.URL.Path, CSRF: p.CSRF, Data: data}
	if !ok {
		return v
	}
	for _, n := range c.nav {
		if auth.Admits(n.roles, p.Role) {
			v.Nav = append(v.Nav, NavLink{Path: n.path, Label: n.label, Current: isCurrent(n.path, r.URL.Path)})
		}
	}
	return v
}

// isCurrent reports whether the link to linkPath is the page at reqPath or
// one of its detail pages (/alerts for /alerts/a1).
func isCurrent(linkPath, reqPath string) bool {
	if linkPath == "/" {
		return reqPath == "/"
	}
	return reqPath == linkPath || strings.HasPrefix(reqPath, linkPath+"/")
}

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Heading, Message string
	// Next, when set, is a link to offer, with its label.
	Next, NextLabel string
}

// Error answers code with the error page: a heading and a plain-English
// message saying what went wrong and what to do.
func (c *Console) Error(w http.ResponseWriter, r *http.Request, code int, heading, message string) {
	c.Render(w, r, code, "error", ErrorPage{Heading: heading, Message: message})
}

// Forbidden answers 403 for a page the principal's role may not open,
// saying which roles may.
func (c *Console) Forbidden(w http.ResponseWriter, r *http.Request, p auth.Principal, roles []auth.Role) {
	names := []string{RoleName(auth.RoleAdmin)}
	for _, role := range roles {
		names = append(names, RoleName(role))
	}
	c.Render(w, r.WithContext(auth.WithPrincipal(r.Context(), p)), http.StatusForbidden, "error", ErrorPage{
		Heading: "You cannot open this page",
		Message: fmt.Sprintf("This page needs the %s role. You are logged in as %s with the %s role. Ask an administrator if you need it.",
			orList(names), p.Name, RoleName(p.Role)),
		Next: "/", NextLabel: "Go to the overview",
	})
}

// CSRFRefused answers 403 for a form sent without the session's CSRF
// token: a stale page, or a form another site made the browser send.
func (c *Console) CSRFRefused(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	c.Render(w, r.WithContext(auth.WithPrincipal(r.Context(), p)), http.StatusForbidden, "error", ErrorPage{
		Heading: "Your change was not made",
		Message: "The form did not carry this session's security token, so Vigil refused it. This happens when a page was open from before you last logged in, or when another website tried to send it. Go back, reload the page and try again.",
	})
}

// RedirectToLogin answers 303 to the login page, which returns to r's
// path (and query) after login.
func RedirectToLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Path
	if r.Method == http.MethodGet && r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, "/login?next="+urlQueryEscape(next), http.StatusSeeOther)
}

// RoleName is the plain-English name of a role.
func RoleName(r auth.Role) string {
	switch r {
	case auth.RoleAnalyst:
		return "security analyst"
	case auth.RolePrivacyOfficer:
		return "privacy officer"
	case auth.RoleBoard:
		return "board"
	case auth.RoleAdmin:
		return "administrator"
	case auth.RoleIngest:
		return "log shipper"
	}
	return string(r)
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
