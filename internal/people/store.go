package people

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Imported is what the last imports brought in: the staff directory, the
// training records and the phishing simulation results, with the files
// they came from. Generation counts the saves: the DataStore sets it on
// each SaveImported (what is passed in is ignored), so that a service can
// tell cheaply that an import happened (DataStore.ImportGeneration); 0
// means nothing was ever imported.
type Imported struct {
	Generation   uint64     `json:"generation,omitempty"`
	At           time.Time  `json:"imported_at,omitzero"`
	StaffFile    string     `json:"staff_file,omitempty"`
	Staff        []Person   `json:"staff"`
	TrainingFile string     `json:"training_file,omitempty"`
	Training     []Record   `json:"training"`
	Campaigns    []Campaign `json:"campaigns"`
}

// Store is the people data as the service uses it: imports, phishing
// reports, guidance given and the staff pulse, kept in a DataStore (a
// data folder's files, or PostgreSQL shared by several nodes). Reports,
// guidance and pulse counts are read from the DataStore when asked, so
// every node sees what the others added. The imported data, the directory
// built from it and the pulse key are read when the Store is made; an
// import made since by another process or node is taken in by Refresh,
// which the service calls every few seconds. A Store is safe for
// concurrent use: readers see one import or the next, never part of one.
type Store struct {
	ds  DataStore
	key []byte // the pulse links' secret

	// write is held by Import and Refresh, one at a time, while they read
	// and write the DataStore; mu only while the fields change, so that
	// readers never wait on the DataStore.
	write   sync.Mutex
	mu      sync.Mutex
	imports imports
	touches []Touch // guidance read when opened and given since
}

// imports is the imported data with what is built over it.
type imports struct {
	data      Imported
	directory *Directory // nil until a staff directory is imported
	workforce *Pulse     // an empty pulse over the directory; nil without one
}

// buildImports builds the directory and the pulse's workforce over im.
func buildImports(im Imported) (imports, error) {
	if len(im.Staff) == 0 {
		return imports{data: im}, nil
	}
	d, err := NewDirectory(im.Staff)
	if err != nil {
		return imports{}, fmt.Errorf("people store: imported staff: %w", err)
	}
	return imports{data: im, directory: d, workforce: NewPulse(d)}, nil
}

// OpenStore opens (creating) the people folder of a data folder
// (OpenFileData) and makes a Store over it.
func OpenStore(dataDir string) (*Store, error) {
	ds, err := OpenFileData(dataDir)
	if err != nil {
		return nil, err
	}
	s, err := NewStore(ds)
	if err != nil {
		ds.Close()
		return nil, err
	}
	return s, nil
}

// NewStore makes a Store over ds, reading the imported data, the guidance
// given and the pulse key. The Store owns ds from then on: its Close
// closes ds. On an error ds is left open for the caller to close.
func NewStore(ds DataStore) (*Store, error) {
	ctx := context.Background()
	key, err := ds.PulseKey(ctx)
	if err != nil {
		return nil, fmt.Errorf("people store: %w", err)
	}
	im, err := ds.LoadImported(ctx)
	if err != nil {
		return nil, fmt.Errorf("people store: %w", err)
	}
	ms, err := ds.ListGuidance(ctx)
	if err != nil {
		return nil, fmt.Errorf("people store: %w", err)
	}
	cur, err := buildImports(im)
	if err != nil {
		return nil, err
	}
	s := &Store{ds: ds, key: key, imports: cur}
	for _, m := range ms {
		s.touches = append(s.touches, m.touch())
	}
	return s, nil
}

// DataStore returns the DataStore the Store keeps its data in. Its Close
// closes the Store's data; an import saved through it reaches the Store's
// directory at the next Refresh, guidance added through it reaches the
// touches when the Store is made again.
func (s *Store) DataStore() DataStore { return s.ds }

// Close closes the DataStore.
func (s *Store) Close() error { return s.ds.Close() }

// Imported returns what the imports brought in.
func (s *Store) Imported() Imported {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imports.data
}

// Directory returns the staff directory, or nil when none was imported.
func (s *Store) Directory() *Directory {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imports.directory
}

// AddReport stores a phishing report durably with a new random ID: the
// store is a ReportStore.
func (s *Store) AddReport(ctx context.Context, r Report) (string, error) {
	return s.ds.AddReport(ctx, r)
}

// Reports returns the phishing reports, oldest first.
func (s *Store) Reports(ctx context.Context) ([]Report, error) {
	return s.ds.ListReports(ctx)
}
