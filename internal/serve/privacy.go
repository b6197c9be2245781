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
}

// DefaultPrivacyEvery is how often the live cases are analysed again.
const DefaultPrivacyEvery = time.Minute

func (c *PrivacyConfig) validate() error {
	if c.Every <= 0 {
		return fmt.Errorf("config key privacy.every: %v is not a positive duration", c.Every)
	}
	return nil
}

// openPrivacy creates the live guardian and loads its files; a malformed
// line is logged with its file and line, and the rest is used.
func (s *Service) openPrivacy() error {
	s.privacy = privacy.NewLive(privacy.DefaultOptions(), s.log.With("component", "privacy"))
	if err := s.privacy.OpenState(filepath.Join(s.cfg.Data, privacy.StateDir)); err != nil {
		return fmt.Errorf("privacy state: %w", err)
	}
	pc := s.cfg.Privacy
	if pc.Staff != "" {
		staff, err := readPrivacyFile(s, "privacy.staff", pc.Staff, privacy.ReadRoster)
		if err != nil {
			return err
		}
		s.privacy.SetRoster(staff)
	}
	if pc.VIP != "" {
		vip, err := readPrivacyFile(s, "privacy.vip", pc.VIP, privacy.ReadVIP)
		if err != nil {
			return err
		}
		s.privacy.SetWatchList(vip)
	}
	if pc.Reviews != "" {
		reviews, err := readPrivacyFile(s, "privacy.reviews", pc.Reviews, privacy.ReadReviews)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			s.privacy.AddReview(r)
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
