package console

import (
	"net/http"
)

// OverviewPage is the data of the overview.
type OverviewPage struct {
	Stats   Stats
	Sources []Source
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request) {
	st, err := c.deps.Stats(r.Context())
	if err != nil {
		c.deps.Log.Error("console: overview stats", "err", err)
		c.Error(w, r, http.StatusServiceUnavailable, "The overview could not be shown", "Vigil could not read its figures. Try again in a minute.")
		return
	}
	src, err := c.deps.Sources(r.Context())
	if err != nil {
		c.deps.Log.Error("console: overview sources", "err", err)
	}
	c.Render(w, r, http.StatusOK, "overview", OverviewPage{Stats: st, Sources: src})
}
