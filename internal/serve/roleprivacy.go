package serve

import (
	"fmt"
	"net/http"
	"time"

	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// The privacy officer's view on an API node without privacy.analyse. The
// live analysis runs on the API node that has the flag (privacynode.go),
// which saves each analysis to the shared database (privacy_cases); the
// other API nodes serve, read-only, the last one saved and the decisions
// recorded there, saying when it was analysed and by which node. The case
// pages with their evidence and timelines need the analysis's inputs in
// memory, which only the analysing node holds, so /privacy is a summary
// page here that sends the reader there.

// sharedPrivacyCases is GET /api/v1/privacy/cases on an API node: the
// saved analysis from PostgreSQL.
func (s *Service) sharedPrivacyCases() http.Handler {
	return privacy.SavedCasesHandler(s.node.db.PrivacyCases().LoadCases)
}

// sharedPrivacyPage answers /privacy and the pages under it on an API
// node: when the shared analysis was saved, by which node, its cases and
// their outcomes, and where the cases are listed.
func (s *Service) sharedPrivacyPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc, err := s.node.db.PrivacyCases().LoadCases(r.Context())
		var ds []privacy.Decision
		if err == nil {
			ds, err = s.node.db.PrivacyDecisions().List()
		}
		if err != nil {
			s.log.Error("console: read the shared privacy cases", "err", err)
			s.console.Error(w, r, http.StatusServiceUnavailable, "Privacy cases could not be read",
				"This node could not read the privacy cases from the shared database. Try again; if it persists, tell the administrator.")
			return
		}
		page := console.ErrorPage{Heading: "Privacy cases", Next: "/api/v1/privacy/cases", NextLabel: "The saved cases, ranked (JSON)"}
		page.Message = sharedPrivacyMessage(sc, privacy.Summarise(sc, ds, time.Now()))
		if r.URL.Path != "/privacy" {
			page.Message = analysingNode(sc) + page.Message
		}
		s.console.Render(w, r, http.StatusOK, "error", page)
	})
}

// analysingNode says where the case and patient pages are shown: on the
// node that saved the analysis.
func analysingNode(sc *privacy.SavedCases) string {
	const prefix = "Case and patient pages are shown by the node that runs the live analysis"
	if sc.SavedBy == "" {
		return prefix + " (an API node with privacy.analyse: true), which holds its evidence. "
	}
	return fmt.Sprintf("%s, %s, which holds its evidence. ", prefix, sc.SavedBy)
}

// sharedPrivacyMessage says what the saved analysis holds, in a sentence
// or two.
func sharedPrivacyMessage(sc *privacy.SavedCases, sum privacy.SavedSummary) string {
	if !sum.Analysed {
		return fmt.Sprintf("No analysis of record accesses has been saved to the shared database yet; %d decisions are recorded. "+
			"In a scaled-out deployment the live analysis is run by the API node configured with privacy.analyse: true, "+
			"which saves each analysis there (see docs/scale-out.md).", sum.Decided)
	}
	by := sc.SavedBy
	if by == "" {
		by = "a single-process service"
	}
	return fmt.Sprintf("The last analysis was saved at %s by %s: %d accesses, %d explained, %d cases, %d still open; %d decisions recorded, %d reportable breaches.",
		sum.AnalysedAt.In(console.London).Format("2 January 2006 15:04"), by, sum.Accesses, sum.Explained, sum.Cases,
		sum.ByOutcome["open"], sum.Decided, len(sum.Breaches))
}
