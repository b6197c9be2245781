package console

import (
	"net/http"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// recordPatientReport records that the principal of r was given pr in
// format, as evidence that patients are told who opened their record
// (privacy.PatientReportsFile); nothing when no record is kept.
func (c *Console) recordPatientReport(r *http.Request, pr *privacy.PatientReport, format string) error {
	if c.deps.PatientReports == nil {
		return nil
	}
	p, _ := auth.FromContext(r.Context())
	_, err := c.deps.PatientReports.Record(pr, format, p.Name, privacy.ViaConsole, c.deps.Now())
	return err
}
