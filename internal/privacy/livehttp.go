package privacy

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// CasesResponse is the body of GET /api/v1/privacy/cases.
type CasesResponse struct {
	Cases []Case `json:"cases"`
	// Analysed says whether an analysis has completed yet; Summary is
	// its summary (nil before the first).
	Analysed bool     `json:"analysed"`
	Summary  *Summary `json:"summary,omitempty"`
	// AnalysedAt and SavedBy say, for cases served from a saved
	// analysis (SavedCasesHandler), when it was analysed and which node
	// saved it.
	AnalysedAt *time.Time `json:"analysed_at,omitempty"`
	SavedBy    string     `json:"saved_by,omitempty"`
}

// CasesHandler serves the live cases as JSON for GET
// /api/v1/privacy/cases, ranked, filtered by the optional query
// parameters kind (a case kind), user (user id), patient (NHS number),
// min_score and limit. Authentication and auditing of the caller are the
// server's: wrap the handler.
func (l *Live) CasesHandler() http.Handler {
	return casesHandler(func(r *http.Request) (CasesResponse, []Case, error) {
		cases, sum, ok := l.lastCases()
		return CasesResponse{Analysed: ok, Summary: sum}, cases, nil
	})
}

// SavedCasesHandler serves GET /api/v1/privacy/cases as CasesHandler does,
// from the analysis load returns (a store shared by the nodes of a
// scaled-out deployment), saying when it was analysed and by which node.
// A failed load answers 503.
func SavedCasesHandler(load func(ctx context.Context) (*SavedCases, error)) http.Handler {
	return casesHandler(func(r *http.Request) (CasesResponse, []Case, error) {
		sc, err := load(r.Context())
		if err != nil || sc.AnalysedAt.IsZero() {
			return CasesResponse{}, nil, err
		}
		at := sc.AnalysedAt
		return CasesResponse{Analysed: true, Summary: &sc.Summary, AnalysedAt: &at, SavedBy: sc.SavedBy}, sc.Cases, nil
	})
}

// casesHandler answers with what last gives (the answer without its
// cases, and the ranked cases), filtered by the query's parameters.
func casesHandler(last func(r *http.Request) (CasesResponse, []Case, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		minScore, err1 := atoiOr(q.Get("min_score"), 0)
		limit, err2 := atoiOr(q.Get("limit"), 0)
		if err1 != nil || err2 != nil || limit < 0 {
			http.Error(w, "min_score and limit must be whole numbers (limit at least 0)", http.StatusBadRequest)
			return
		}
		if k := q.Get("kind"); k != "" && !slices.Contains(kindNames[:], k) {
			http.Error(w, "unknown kind "+strconv.Quote(k), http.StatusBadRequest)
			return
		}
		resp, cases, err := last(r)
		if err != nil {
			http.Error(w, "the saved privacy cases could not be read: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		resp.Cases = []Case{}
		for _, c := range cases {
			if keepCase(&c, q.Get("kind"), q.Get("user"), q.Get("patient"), minScore) {
				resp.Cases = append(resp.Cases, c)
			}
			if limit > 0 && len(resp.Cases) == limit {
				break
			}
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(resp) //nolint:errcheck // the client has gone; nothing to tell it
	})
}

func keepCase(c *Case, kind, user, patient string, minScore int) bool {
	return c.Score >= minScore && (kind == "" || slices.Contains(c.Kinds, kind)) && (user == "" || c.UserID == user) &&
		(patient == "" || c.PatientID == patient || slices.Contains(c.Patients, patient))
}

func atoiOr(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	return strconv.Atoi(s)
}
