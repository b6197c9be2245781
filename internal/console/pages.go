package console

import (
	"net/http"

	"github.com/vigilhealth/vigil/internal/auth"
)

// pageGroups make the console's routes, in the order of the navigation.
// A new group of pages is one line here (see the package documentation).
var pageGroups = []func(*Console) []Page{
	(*Console).basePages,
}

// Roles of the pages, as the API's routes have them.
var (
	analystRoles = []auth.Role{auth.RoleAnalyst}
	// figureRoles see counts and statuses, no event or patient detail.
	figureRoles = []auth.Role{auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard}
	// peopleRoles are the roles people log in with.
	peopleRoles = figureRoles
)

// basePages are the static assets, the login and logout, and the overview.
func (c *Console) basePages() []Page {
	return []Page{
		{Pattern: "GET /static/", Public: true, Handler: staticHandler()},
		{Pattern: "GET /login", Public: true, Handler: http.HandlerFunc(c.loginPage)},
		{Pattern: "POST /login", Public: true, Handler: http.HandlerFunc(c.loginPost)},
		{Pattern: "POST /logout", Roles: peopleRoles, Handler: http.HandlerFunc(c.logoutPost)},
		{Pattern: "GET /{$}", Roles: figureRoles, Nav: "Overview", Handler: http.HandlerFunc(c.overview)},
	}
}
