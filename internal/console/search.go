package console

import (
	"net/http"
)

// searchPages is the event search, for analysts: every view is audited,
// since events show who opened which patient's record.
func (c *Console) searchPages() []Page {
	if c.deps.Events == nil {
		return nil
	}
	return []Page{
		{Pattern: "GET /search", Roles: analystRoles, Audit: true, Nav: "Search", Handler: http.HandlerFunc(c.search)},
	}
}

// search answers GET /search: the form, and with a query its results.
// A query that does not parse shows the form again with the reason.
func (c *Console) search(w http.ResponseWriter, r *http.Request) {
	form := readSearchForm(r.URL.Query())
	v := searchView{Form: form}
	if !r.URL.Query().Has("q") {
		c.Render(w, r, http.StatusOK, "search", v)
		return
	}
	q, err := form.query(c.deps.Now())
	if err != nil {
		v.Error = err.Error()
		c.Render(w, r, http.StatusBadRequest, "search", v)
		return
	}
	res, err := c.deps.Events.Search(r.Context(), q)
	if err != nil {
		c.deps.Log.Error("console: search", "err", err, "query", form.Q)
		c.Error(w, r, http.StatusServiceUnavailable, "The search could not run", "Vigil could not read its event store. Try again in a minute; if it goes on, tell the administrator.")
		return
	}
	c.Render(w, r, http.StatusOK, "search", newSearchView(form, res))
}
