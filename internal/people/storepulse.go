package people

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoDirectory is returned for pulse answers and results while no
// staff directory has been imported: without the workforce's make-up
// there is nothing to check a staff group against or weight by.
var ErrNoDirectory = errors.New("no staff directory imported (vigil people import --staff FILE)")

// SubmitPulse checks an anonymous pulse response and adds it to the
// saved counts before it returns. Only the counts are written, never the
// response: see PulseCount.
func (s *Store) SubmitPulse(r Response) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pulse == nil {
		return ErrNoDirectory
	}
	c, t, err := s.pulse.tally(r)
	if err != nil {
		return err
	}
	counts := addCount(s.counts, PulseCount{Round: r.Round, Group: c.group, Site: c.site,
		Respondents: t.n, Answered: t.answered, Positive: t.positive})
	doc := struct {
		Counts []PulseCount `json:"counts"`
	}{counts}
	if err := writeJSONFile(filepath.Join(s.dir, pulseFile), doc); err != nil {
		return err
	}
	s.counts = counts
	s.pulse.add(r.Round, c, t)
	return nil
}

// addCount returns cs with c added to its cell (a new slice: cs is left
// as it was, so a failed save changes nothing).
func addCount(cs []PulseCount, c PulseCount) []PulseCount {
	out := make([]PulseCount, len(cs), len(cs)+1)
	copy(out, cs)
	for i := range out {
		o := &out[i]
		if o.Round == c.Round && o.Group == c.Group && o.Site == c.Site {
			o.Respondents += c.Respondents
			for q := range numQuestions {
				o.Answered[q] += c.Answered[q]
				o.Positive[q] += c.Positive[q]
			}
			return out
		}
	}
	return append(out, c)
}

// PulseResults returns a round's weighted results (Pulse.Results).
func (s *Store) PulseResults(round string) (PulseResults, error) {
	p := s.pulseOrNil()
	if p == nil {
		return PulseResults{}, ErrNoDirectory
	}
	return p.Results(round)
}

// PulseTrend returns every round's results, oldest first (Pulse.Trend).
func (s *Store) PulseTrend() ([]PulseResults, error) {
	p := s.pulseOrNil()
	if p == nil {
		return nil, ErrNoDirectory
	}
	return p.Trend()
}

func (s *Store) pulseOrNil() *Pulse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pulse
}

// PulseLink returns the token of a round's answer link. It is derived
// from the data folder's secret (people/pulse.key) and the round, so that
// the service and the command line agree on it, a link works for its
// round only, and nobody without the secret can guess one. Every member
// of staff gets the same link: the token says which round, never who.
func (s *Store) PulseLink(round string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("vigil pulse round " + round))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// CheckPulseLink reports whether token is the round's link token, in time
// that does not depend on how much of it is right.
func (s *Store) CheckPulseLink(round, token string) bool {
	return hmac.Equal([]byte(s.PulseLink(round)), []byte(token))
}

// readOrCreateKey reads the 32-byte secret at path, creating it when the
// file does not exist.
func readOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	switch {
	case err == nil && len(key) == 32:
		return key, nil
	case err == nil:
		return nil, fmt.Errorf("%s: %d bytes, want 32 (remove it to make a new one; old pulse links then stop working)", path, len(key))
	case !os.IsNotExist(err):
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("pulse key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if os.IsExist(err) { // another process made it first: use theirs
		return readOrCreateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return key, nil
}
