package people

import (
	"context"
	"errors"
	"fmt"
)

// DataStore is the people data kept durably, below the logic of Store,
// which does every read and write through it: what was imported,
// phishing reports, guidance given, the pulse counts and the pulse links'
// secret. The data folder's files are one (OpenFileData); pgstore keeps
// the same in PostgreSQL. Both pass the suites in people/peopletest (Run
// for the DataStore, RunStore for a Store over it). A DataStore is safe
// for concurrent use.
type DataStore interface {
	// LoadImported returns what the imports brought in, as last saved
	// by anyone sharing the data, with its Generation; the zero Imported
	// when nothing was.
	LoadImported(ctx context.Context) (Imported, error)
	// SaveImported replaces the imported data with im, all or nothing,
	// under the next generation (im.Generation is ignored), which it
	// returns. A staff list that does not make a Directory is refused.
	SaveImported(ctx context.Context, im Imported) (generation uint64, err error)
	// ImportGeneration returns the generation of the imported data as
	// last saved by anyone sharing the data (another process on the
	// folder, another node on the database): it changes with each save
	// and not otherwise, and is 0 before the first. It does not read the
	// imported data, so a service may ask every few seconds.
	ImportGeneration(ctx context.Context) (uint64, error)
	// AddReport keeps a phishing report durably with a new ID
	// (NewReportID), which it returns: a DataStore is a ReportStore.
	AddReport(ctx context.Context, r Report) (string, error)
	// ListReports returns the reports in the order added.
	ListReports(ctx context.Context) ([]Report, error)
	// AddGuidance keeps a guidance message that was given, durably.
	AddGuidance(ctx context.Context, m Message) error
	// ListGuidance returns the messages in the order added.
	ListGuidance(ctx context.Context) ([]Message, error)
	// AddPulseCount adds c to the count of its round, staff group and
	// site, durably; a count that fails PulseCount.Check is refused.
	AddPulseCount(ctx context.Context, c PulseCount) error
	// PulseCounts returns one count per round, group and site, in the
	// order each cell was first added.
	PulseCounts(ctx context.Context) ([]PulseCount, error)
	// PulseKey returns the 32-byte secret the pulse links are derived
	// from, made at first use and the same ever after.
	PulseKey(ctx context.Context) ([]byte, error)
	// Close releases the store; its methods then return ErrClosed.
	Close() error
}

// ErrClosed is returned by a DataStore's methods after its Close.
var ErrClosed = errors.New("people: store is closed")

// Check reports a count that cannot be kept: a round not YYYY-MM or
// YYYY-Qn, no respondents, or more answers than respondents or more
// positive answers than answers, naming its round, group and site.
func (c PulseCount) Check() error { return c.check() }

// Plus returns c with the respondents and answers of d added; d is taken
// to be of the same round, group and site.
func (c PulseCount) Plus(d PulseCount) PulseCount {
	c.Respondents += d.Respondents
	for q := range numQuestions {
		c.Answered[q] += d.Answered[q]
		c.Positive[q] += d.Positive[q]
	}
	return c
}

// CheckImported reports imported data that cannot be kept: a staff list
// that does not make a Directory (a person without an id, an id, email
// or account name twice).
func CheckImported(im Imported) error {
	if len(im.Staff) == 0 {
		return nil
	}
	if _, err := NewDirectory(im.Staff); err != nil {
		return fmt.Errorf("imported staff: %w", err)
	}
	return nil
}
