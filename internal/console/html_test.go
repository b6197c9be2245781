package console

import (
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/vigilhealth/vigil/internal/auth"
)

// TestPagesAreCleanHTML renders every page for every role that may open
// it and checks what can be checked without a browser: tags balance, ids
// are unique, every control has a label, one h1 and one main, and no
// inline script, style or event handler (the Content-Security-Policy
// would block them).
func TestPagesAreCleanHTML(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	f.src = []Source{{Listener: "http", Host: "DC01", State: "silent", Expected: 3}}
	pages := []struct {
		path  string
		roles []auth.Role
	}{
		{"/login", []auth.Role{""}},
		{"/login?next=/alerts&logged_out=1", []auth.Role{""}},
		{"/", []auth.Role{auth.RoleAnalyst, auth.RoleBoard, auth.RolePrivacyOfficer, auth.RoleAdmin}},
		{"/?range=7d", []auth.Role{auth.RoleAnalyst}},
		{"/alerts", []auth.Role{auth.RoleAnalyst, auth.RoleAdmin}},
		{"/alerts?level=urgent", []auth.Role{auth.RoleAnalyst}},
		{"/alerts/a1", []auth.Role{auth.RoleAnalyst}},
		{"/alerts/nope", []auth.Role{auth.RoleAnalyst}},
		{"/incidents", []auth.Role{auth.RoleAnalyst, auth.RoleBoard}},
		{"/incidents/i1", []auth.Role{auth.RoleAnalyst}},
	}
	for _, p := range pages {
		for _, role := range p.roles {
			w := f.get(t, as(role), p.path)
			if w.Code >= 500 {
				t.Errorf("GET %s as %q: %d", p.path, role, w.Code)
			}
			checkHTML(t, p.path+" as "+string(role), w.Body.String())
		}
	}
	f.deps.OIDCEnabled = true
	c, err := New(f.deps)
	if err != nil {
		t.Fatal(err)
	}
	f.c = c
	w := f.serveWith(t, c, "/login?next=/incidents")
	contains(t, "login with OIDC", w, `href="/login/oidc?next=%2fincidents">Log in with your organisation's account</a>`)
	checkHTML(t, "login with OIDC", w)
}

// voidElements have no end tag.
var voidElements = []string{"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

func checkHTML(t *testing.T, what, page string) {
	t.Helper()
	checkBalanced(t, what, page)
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	ids, labels := map[string]int{}, map[string]bool{}
	var controls []string
	counts := map[string]int{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if n.Data != "title" || n.Parent.Data == "head" { // an SVG chart has its own title
			counts[n.Data]++
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "style" || strings.HasPrefix(a.Key, "on"):
				t.Errorf("%s: <%s %s=...>: inline style or script", what, n.Data, a.Key)
			case a.Key == "id":
				ids[a.Val]++
			case a.Key == "for" && n.Data == "label":
				labels[a.Val] = true
			case a.Key == "href" && strings.HasPrefix(strings.ToLower(a.Val), "javascript:"):
				t.Errorf("%s: a javascript: link", what)
			}
		}
		switch n.Data {
		case "script":
			if attr(n, "src") == "" {
				t.Errorf("%s: an inline script", what)
			}
		case "style":
			t.Errorf("%s: a <style> element", what)
		case "input", "select", "textarea":
			if typ := attr(n, "type"); typ != "hidden" && typ != "submit" && attr(n, "aria-label") == "" {
				controls = append(controls, attr(n, "id"))
			}
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: id %q used %d times", what, id, n)
		}
	}
	for _, id := range controls {
		if id == "" || !labels[id] {
			t.Errorf("%s: a control (id %q) has no label", what, id)
		}
	}
	if counts["h1"] != 1 || counts["main"] != 1 || counts["title"] != 1 {
		t.Errorf("%s: %d h1, %d main, %d title; want one each", what, counts["h1"], counts["main"], counts["title"])
	}
}

// checkBalanced checks that every element the templates open they close,
// in order (the parser would silently mend what a browser might not).
func checkBalanced(t *testing.T, what, page string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Errorf("%s: %v", what, z.Err())
			}
			if len(stack) > 0 {
				t.Errorf("%s: unclosed %v", what, stack)
			}
			return
		case html.StartTagToken:
			name, _ := z.TagName()
			if !slices.Contains(voidElements, string(name)) {
				stack = append(stack, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				t.Errorf("%s: </%s> closes %v", what, name, stack)
				return
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
