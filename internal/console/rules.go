package console

import (
	"github.com/vigilhealth/vigil/internal/sigma"
	"net/http"
)

// rulesPages are the rules loaded and refused (analysts) and the sources'
// status (analysts, privacy officers and the board: figures, no event
// detail).
func (c *Console) rulesPages() []Page {
	var pages []Page
	if c.deps.Rules != nil {
		pages = append(pages, Page{Pattern: "GET /rules", Roles: analystRoles, Nav: "Rules", Handler: http.HandlerFunc(c.rules)})
	}
	return append(pages, Page{Pattern: "GET /sources", Roles: figureRoles, Nav: "Sources", Handler: http.HandlerFunc(c.sources)})
}

// rules answers GET /rules.
func (c *Console) rules(w http.ResponseWriter, r *http.Request) {
	var counts map[*sigma.Meta]int64
	if c.deps.RuleCounts != nil {
		counts = c.deps.RuleCounts()
	}
	c.Render(w, r, http.StatusOK, "rules", newRulesView(c.deps.Rules, counts))
}

// sources answers GET /sources.
func (c *Console) sources(w http.ResponseWriter, r *http.Request) {
	src, err := c.deps.Sources(r.Context())
	if err != nil {
		c.deps.Log.Error("console: sources", "err", err)
		c.Error(w, r, http.StatusServiceUnavailable, "The sources could not be shown", "Vigil could not read its sources' status. Try again in a minute.")
		return
	}
	c.Render(w, r, http.StatusOK, "sources", newSourcesView(src, c.deps.SourceWindow, c.deps.Now()))
}
