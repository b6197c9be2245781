package console

import (
	"net/http"

	"github.com/vigilhealth/vigil/internal/auth"
)

// pageGroups make the console's routes, in the order of the navigation.
// A new group of pages is one line here (see the package documentation).
var pageGroups = []func(*Console) []Page{
	(*Console).basePages,
	(*Console).triagePages,
	(*Console).searchPages,
	(*Console).privacyPages,
	(*Console).rulesPages,
	(*Console).reportPages,
	(*Console).settingsPages,
}

// Roles of the pages, as the API's routes have them.
var (
	analystRoles = []auth.Role{auth.RoleAnalyst}
	// figureRoles see counts and statuses, no event or patient detail.
	figureRoles       = []auth.Role{auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard}
	incidentListRoles = []auth.Role{auth.RoleAnalyst, auth.RoleBoard}
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

// triagePages are the analyst's alerts and incidents. The alerts show
// their matched event, which may name a patient: every view is audited.
func (c *Console) triagePages() []Page {
	return []Page{
		{Pattern: "GET /alerts", Roles: analystRoles, Audit: true, Nav: "Alerts", Handler: http.HandlerFunc(c.alertsPage)},
		{Pattern: "GET /alerts/{id}", Roles: analystRoles, Audit: true, Handler: http.HandlerFunc(c.alertPage)},
		{Pattern: "POST /alerts/{id}", Roles: analystRoles, Handler: http.HandlerFunc(c.alertChange)},
		// The board sees the list with counts and statuses only.
		{Pattern: "GET /incidents", Roles: incidentListRoles, Nav: "Incidents", Handler: http.HandlerFunc(c.incidentsPage)},
		{Pattern: "GET /incidents/{id}", Roles: analystRoles, Audit: true, Handler: http.HandlerFunc(c.incidentPage)},
		{Pattern: "POST /incidents/{id}", Roles: analystRoles, Handler: http.HandlerFunc(c.incidentChange)},
	}
}
