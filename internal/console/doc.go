// Package console is Vigil's web console: server-rendered HTML pages for
// the security analyst, the privacy officer, the board and the admin,
// served by vigil serve from templates and assets embedded in the binary.
// Every page works without JavaScript; the one small script only adds
// conveniences.
//
// The console does not guard its own pages. Pages returns each route with
// the roles that may open it and whether a view shows patient-identifiable
// data (Audit); serve registers them through the same guard as the API,
// which authenticates the request, checks the role, checks the CSRF token
// of every change, writes the audit log and puts the auth.Principal in the
// request's context before a page handler runs.
//
// # Adding a page
//
//  1. Write templates/NAME.html defining two blocks: "title" (the page's
//     title, plain text) and "content" (what goes inside <main>). The
//     layout (templates/layout.html) gives the header, the skip link, the
//     navigation and the footer; templates/_*.html are partials every page
//     may call (for example {{template "csrf" .}} inside a form). The
//     template's dot is a View: the page's own data is .Data, the viewer is
//     .Principal, and .CSRF is the token a form posts as csrf_token.
//  2. Write the handler as a method of *Console in its own file. It reads
//     what it needs through c.deps (Deps), and ends with
//     c.Render(w, r, http.StatusOK, "NAME", data), or c.Error for a
//     refusal the page explains (bad filter, unknown id).
//  3. List the route in a page group: a func(*Console) []Page, added to
//     pageGroups in pages.go. Give it the roles that may open it (admin
//     always may), Audit: true when it shows event or patient detail, and
//     Nav: the label of its link in the navigation (empty for detail pages
//     and form posts). The navigation shows each viewer only the pages
//     their role may open.
//  4. Add the route to wantRoles in internal/serve/authz_test.go, which
//     checks every route for every role, and test the page's content per
//     role in this package (see console_test.go for the helpers).
//
// Forms post application/x-www-form-urlencoded with the hidden csrf_token
// field; a change then answers 303 See Other back to the page that shows
// it. No template may use an inline script, an inline style attribute or
// an event-handler attribute: the Content-Security-Policy admits scripts
// and styles from Vigil's own files only.
package console
