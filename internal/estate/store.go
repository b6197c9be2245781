package estate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Store keeps the estate's state that people and the service build up:
// the risk register for unsupported systems and the assets learned from
// events. The embedded default is a FileStore over the data folder (the
// register file vigil estate register edits, the learned assets vigil
// serve saves); pgstore keeps the same in PostgreSQL. Both pass the suite
// in estate/estatetest. A Store is safe for concurrent use.
type Store interface {
	// Register returns the risk register, entries in the order first
	// added.
	Register(ctx context.Context) (*Register, error)
	// PutRegisterEntries adds each entry, or replaces the one kept for
	// its asset (names compared as hosts are, RegisterKey) in its place;
	// all or nothing. Entries are kept as Normalise gives them.
	PutRegisterEntries(ctx context.Context, es ...RegisterEntry) error
	// SaveLearned replaces the assets that node learned from events with
	// assets, leaving other nodes' as they are: each detect node of a
	// scaled-out deployment sees only its partitions' hosts and saves
	// what it learned under its own name; the single process is node "".
	SaveLearned(ctx context.Context, node string, assets []Asset) error
	// Learned returns the assets every node last saved, merged per host
	// (MergeLearned over the nodes in order of name, each node's assets
	// in the order it saved them); ok is false when no node ever saved.
	Learned(ctx context.Context) (assets []Asset, ok bool, err error)
	// Close releases the store; its methods then return ErrClosed.
	Close() error
}

// ErrClosed is returned by a Store's methods after its Close.
var ErrClosed = errors.New("estate: store is closed")

// RegisterKey is the key that identifies a register entry's asset: the
// host name in lower case without its domain, or an IP address as it is,
// as the register and the inventory recognise one asset.
func RegisterKey(asset string) string { return hostKey(asset) }

// Normalise returns e as the register file keeps it: the asset's name
// trimmed and each date a calendar day (midnight UTC of the date e's time
// has in its own zone). An entry without an asset is an error.
func (e RegisterEntry) Normalise() (RegisterEntry, error) {
	e.Asset = strings.TrimSpace(e.Asset)
	if e.Asset == "" {
		return e, errors.New("register entry: asset: empty (every entry names its asset)")
	}
	for _, t := range []*time.Time{&e.SupportEnd, &e.Review, &e.BoardApproved} {
		if !t.IsZero() {
			y, m, d := t.Date()
			*t = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}
	}
	return e, nil
}

// NormaliseEntries normalises each entry, naming the first bad one.
func NormaliseEntries(es []RegisterEntry) ([]RegisterEntry, error) {
	out := make([]RegisterEntry, len(es))
	for i, e := range es {
		n, err := e.Normalise()
		if err != nil {
			return nil, fmt.Errorf("entry %d of %d: %w", i+1, len(es), err)
		}
		out[i] = n
	}
	return out, nil
}
