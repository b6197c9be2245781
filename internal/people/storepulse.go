package people

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// ErrNoDirectory is returned for pulse answers and results while no
// staff directory has been imported: without the workforce's make-up
// there is nothing to check a staff group against or weight by.
var ErrNoDirectory = errors.New("no staff directory imported (vigil people import --staff FILE)")

// SubmitPulse checks an anonymous pulse response and adds it to the
// DataStore's counts before it returns. Only the counts are written,
// never the response: see PulseCount.
func (s *Store) SubmitPulse(ctx context.Context, r Response) error {
	w := s.workforce()
	if w == nil {
		return ErrNoDirectory
	}
	c, t, err := w.tally(r)
	if err != nil {
		return err
	}
	return s.ds.AddPulseCount(ctx, t.count(r.Round, c))
}

// PulseResults returns a round's weighted results (Pulse.Results) from
// the DataStore's counts.
func (s *Store) PulseResults(ctx context.Context, round string) (PulseResults, error) {
	p, err := s.pulse(ctx)
	if err != nil {
		return PulseResults{}, err
	}
	return p.Results(round)
}

// PulseTrend returns every round's results, oldest first (Pulse.Trend),
// from the DataStore's counts.
func (s *Store) PulseTrend(ctx context.Context) ([]PulseResults, error) {
	p, err := s.pulse(ctx)
	if err != nil {
		return nil, err
	}
	return p.Trend()
}

func (s *Store) workforce() *Pulse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imports.workforce
}

// pulse returns a Pulse over the directory holding the DataStore's
// counts, as they are now (every node's answers).
func (s *Store) pulse(ctx context.Context) (*Pulse, error) {
	w := s.workforce()
	if w == nil {
		return nil, ErrNoDirectory
	}
	cs, err := s.ds.PulseCounts(ctx)
	if err != nil {
		return nil, err
	}
	p := w.empty()
	if err := p.AddCounts(cs); err != nil {
		return nil, err
	}
	return p, nil
}

// PulseLink returns the token of a round's answer link. It is derived
// from the DataStore's secret (people/pulse.key in a data folder) and the
// round, so that the service and the command line agree on it, a link
// works for its round only, and nobody without the secret can guess one.
// Every member of staff gets the same link: the token says which round,
// never who.
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
