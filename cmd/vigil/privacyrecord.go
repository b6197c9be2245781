package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"

	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/serve"
)

// recordPatientReport records in the data folder that pr is being given,
// before it is written: the board pack and the assurance evidence count
// the reports given. Without --data, the default data folder is used when
// there is one; when there is none, the report is given unrecorded and
// the command says so, since it also runs on copied logs away from any
// Vigil service.
func recordPatientReport(pf privacyFlags, pr *privacy.PatientReport, stderr io.Writer) error {
	data := pf.data
	if data == "" {
		if _, err := os.Stat(serve.DefaultData); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "note: this report is not recorded as evidence: there is no data folder %s (give --data DIR)\n", serve.DefaultData)
			return nil
		}
		data = serve.DefaultData
	}
	if _, err := os.Stat(data); err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	l, err := privacy.OpenPatientReportLog(data)
	if err != nil {
		return err
	}
	_, err = l.Record(pr, pf.format, cmp.Or(pf.by, loginName()), privacy.ViaCommand, pr.Generated)
	return err
}

// loginName is the name of the user running the command, for the record.
func loginName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return cmp.Or(os.Getenv("USER"), "unknown")
}
