package serve

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
)

// PrivacyConfig names the inputs of the live patient-data guardian, which
// explains each access to a patient's record from the ADT feed and the
// staff roster and ranks what nothing explains (GET /api/v1/privacy/cases).
// Every file is optional; without the roster fewer accesses are explained.
type PrivacyConfig struct {
	Staff   string        `yaml:"staff"`   // staff roster CSV (user_id,given_name,family_name,job_role,department,...)
	VIP     string        `yaml:"vip"`     // watch list: one NHS number per line
	Reviews string        `yaml:"reviews"` // break-glass reviews CSV
	Every   time.Duration `yaml:"every"`   // how often the cases are analysed again
	// Lookback bounds the audit events rebuilt at start (privacyrebuild.go)
	// to those less than this long before the start; 0: every one the
	// event store still holds. Care records are rebuilt whatever their
	// age: a visit admitted before the window still explains an access in it.
	Lookback time.Duration `yaml:"lookback"`
	// Analyse runs the live analysis on an API node of a scaled-out
	// deployment, over the events the detect nodes store in PostgreSQL,
	// saving each analysis there (privacynode.go). The single process
	// always runs it.
	Analyse bool `yaml:"analyse"`
}

// DefaultPrivacyEvery is how often the live cases are analysed again.
const DefaultPrivacyEvery = time.Minute

func (c *PrivacyConfig) validate() error {
	if c.Every <= 0 {
		return fmt.Errorf("config key privacy.every: %v is not a positive duration", c.Every)
	}
	if c.Lookback < 0 {
		return fmt.Errorf("config key privacy.lookback: %v is negative (0 rebuilds every audit event the event store holds)", c.Lookback)
	}
	return nil
}

// openPrivacy creates the live guardian, keeps its state in the data
// folder and loads its files.
func (s *Service) openPrivacy() error {
	s.privacy = s.newPrivacy()
	if err := s.privacy.OpenState(filepath.Join(s.cfg.Data, privacy.StateDir)); err != nil {
		return fmt.Errorf("privacy state: %w", err)
	}
	return s.loadPrivacyFiles(s.privacy)
}

// newPrivacy returns a live guardian with the default options, logging
// as the privacy component: the single process's and an analysing API
// node's alike.
func (s *Service) newPrivacy() *privacy.Live {
	return privacy.NewLive(privacy.DefaultOptions(), s.log.With("component", "privacy"))
}

// loadPrivacyFiles gives l the staff roster, the watch list and the
// break-glass reviews the privacy section names; a malformed line is
// logged with its file and line, and the rest is used.
func (s *Service) loadPrivacyFiles(l *privacy.Live) error {
	pc := s.cfg.Privacy
	if pc.Staff != "" {
		staff, err := readPrivacyFile(s, "privacy.staff", pc.Staff, privacy.ReadRoster)
		if err != nil {
			return err
		}
		l.SetRoster(staff)
	}
	if pc.VIP != "" {
		vip, err := readPrivacyFile(s, "privacy.vip", pc.VIP, privacy.ReadVIP)
		if err != nil {
			return err
		}
		l.SetWatchList(vip)
	}
	if pc.Reviews != "" {
		reviews, err := readPrivacyFile(s, "privacy.reviews", pc.Reviews, privacy.ReadReviews)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			l.AddReview(r)
		}
	}
	return nil
}

// readPrivacyFile opens path and reads it with read, which returns the
// records, the lines it refused, and an error that stops it.
func readPrivacyFile[T any](s *Service, key, path string, read func(io.Reader, string) ([]T, []error, error)) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config key %s: %w", key, err)
	}
	defer f.Close()
	recs, bad, err := read(f, path)
	if err != nil {
		return nil, fmt.Errorf("config key %s: %w", key, err)
	}
	if len(bad) > 0 {
		s.log.Warn("privacy: lines refused", "file", path, "count", len(bad), "first", bad[0].Error())
	}
	return recs, nil
}
