package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// FolderSources are the stores of the data folder data, read as vigil
// report reads them, also while vigil serve runs: the alert and event
// stores are opened read-only when first used (a commit being written at
// that moment is left out), and every other part is read from its files
// without changing them. A caller may put its own open stores in place of
// any of them before GatherFrom: those put in are never opened here.
// Close the Sources afterwards.
func FolderSources(data string) *Sources {
	s := &Sources{Data: data}
	alerts := &folderAlerts{dir: filepath.Join(data, "alerts")}
	events := &folderEvents{dir: filepath.Join(data, "events")}
	s.closers = []func() error{alerts.close, events.close}
	s.Alerts, s.Events = alerts, events
	s.Flow = folderFlow(filepath.Join(data, flowFile))
	s.Estate = estate.NewFileStore(data)
	s.People = &folderPeople{dir: data}
	s.Privacy = folderPrivacy(data)
	s.Assurance = folderAssurance(data)
	s.PatientReports = folderPrivacy(data)
	return s
}

// openError is a store that could not be opened, as against one opened
// whose records could not be read back: the report words them apart.
type openError struct{ err error }

func (e openError) Error() string { return e.err.Error() }
func (e openError) Unwrap() error { return e.err }

// lazy opens a store once, when first used.
type lazy[T any] struct {
	once sync.Once
	st   T
	err  error
	ok   bool
}

func (l *lazy[T]) get(open func() (T, error)) (T, error) {
	l.once.Do(func() {
		l.st, l.err = open()
		if l.err != nil {
			l.err = openError{l.err}
		}
		l.ok = l.err == nil
	})
	return l.st, l.err
}

// folderAlerts is the data folder's alert store, opened read-only.
type folderAlerts struct {
	dir string
	lazy[*alert.FileStore]
}

func (a *folderAlerts) store() (*alert.FileStore, error) {
	return a.get(func() (*alert.FileStore, error) { return alert.OpenFileStoreReadOnly(a.dir) })
}

func (a *folderAlerts) Count(ctx context.Context) (int, int, error) {
	st, err := a.store()
	if err != nil {
		return 0, 0, err
	}
	return st.Count(ctx)
}

func (a *folderAlerts) Alerts(ctx context.Context, q alert.Query) ([]*alert.Alert, error) {
	st, err := a.store()
	if err != nil {
		return nil, err
	}
	return st.Alerts(ctx, q)
}

func (a *folderAlerts) Incidents(ctx context.Context, q alert.IncidentQuery) ([]*alert.Incident, error) {
	st, err := a.store()
	if err != nil {
		return nil, err
	}
	return st.Incidents(ctx, q)
}

func (a *folderAlerts) close() error {
	if a.ok {
		return a.st.Close()
	}
	return nil
}

// folderEvents is the data folder's event store, opened read-only.
type folderEvents struct {
	dir string
	lazy[*eventstore.Local]
}

func (e *folderEvents) store() (*eventstore.Local, error) {
	return e.get(func() (*eventstore.Local, error) { return eventstore.OpenReadOnly(e.dir) })
}

func (e *folderEvents) Stats(ctx context.Context) (eventstore.Stats, error) {
	st, err := e.store()
	if err != nil {
		return eventstore.Stats{}, err
	}
	return st.Stats(ctx)
}

func (e *folderEvents) Search(ctx context.Context, q eventstore.Query) (*eventstore.Result, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	return st.Search(ctx, q)
}

func (e *folderEvents) close() error {
	if e.ok {
		return e.st.Close()
	}
	return nil
}

// folderFlow is the profile the flow watch saved (flow.bin).
type folderFlow string

// errNoProfile: no learned profile could be read at all.
var errNoProfile = fmt.Errorf("no learned profile of the sources")

func (path folderFlow) SourcesAt(at time.Time) ([]flow.SourceStatus, error) {
	data, err := os.ReadFile(string(path))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoProfile, err)
	}
	w := flow.New(flow.Options{Clock: func() time.Time { return at }})
	if err := w.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return w.Sources(), nil
}

// folderPeople is the people data of the folder (people.LoadSaved), read
// once.
type folderPeople struct {
	dir   string
	once  sync.Once
	saved people.Saved
	ok    bool
	err   error
}

// load reads the folder's people data, whole, the first time.
func (p *folderPeople) load() (people.Saved, bool, error) {
	p.once.Do(func() { p.saved, p.ok, p.err = people.LoadSaved(p.dir) })
	return p.saved, p.ok, p.err
}

func (p *folderPeople) LoadImported(context.Context) (people.Imported, error) {
	s, _, err := p.load()
	return s.Imported, err
}

func (p *folderPeople) ListReports(context.Context) ([]people.Report, error) {
	s, _, err := p.load()
	return s.Reports, err
}

func (p *folderPeople) ListGuidance(context.Context) ([]people.Message, error) {
	s, _, err := p.load()
	return s.Guidance, err
}

func (p *folderPeople) PulseCounts(context.Context) ([]people.PulseCount, error) {
	s, _, err := p.load()
	if s.Pulse == nil {
		return nil, err
	}
	return s.Pulse.Counts(), err
}

// folderPrivacy is the privacy state vigil serve saves in the folder.
type folderPrivacy string

// PrivacySummary is privacy.LoadSummary, which counts as of the time it
// runs.
func (dir folderPrivacy) PrivacySummary(context.Context, time.Time) (privacy.SavedSummary, error) {
	return privacy.LoadSummary(string(dir))
}

func (dir folderPrivacy) PatientReports(context.Context) (privacy.PatientReports, error) {
	return privacy.ReadPatientReports(string(dir))
}

// folderAssurance is the folder's assure files, read without the
// FileStore (which prepares its folder for writing when opened).
type folderAssurance string

func (dir folderAssurance) path(name string) string {
	return filepath.Join(string(dir), filepath.FromSlash(name))
}

func (dir folderAssurance) Evidence(context.Context) ([]assure.Evidence, error) {
	return assure.ReadEvidence(dir.path(assure.EvidenceFile))
}

func (dir folderAssurance) History(context.Context) ([]assure.Assessment, error) {
	return assure.ReadHistory(dir.path(assure.HistoryFile))
}

// AppendAssessment creates the assure folder if need be, as Record
// always has.
func (dir folderAssurance) AppendAssessment(_ context.Context, a assure.Assessment) error {
	path := dir.path(assure.HistoryFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return assure.AppendHistory(path, a)
}
