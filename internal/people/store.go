package people

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// StoreDir is the folder, inside a Vigil data folder, that holds the
// people data.
const StoreDir = "people"

// Files of the people folder. The imported data and the pulse counts are
// whole files, replaced by writing a temporary file, syncing it and
// renaming it over the old one; reports and guidance are append logs,
// synced per record (jsonlog.go).
const (
	importedFile = "imported.json"
	reportsFile  = "phishing-reports.jsonl"
	guidanceFile = "guidance.jsonl"
	pulseFile    = "pulse.json"
	pulseKeyFile = "pulse.key"
)

// Imported is what the last imports brought in: the staff directory, the
// training records and the phishing simulation results, with the files
// they came from.
type Imported struct {
	At           time.Time  `json:"imported_at,omitzero"`
	StaffFile    string     `json:"staff_file,omitempty"`
	Staff        []Person   `json:"staff"`
	TrainingFile string     `json:"training_file,omitempty"`
	Training     []Record   `json:"training"`
	Campaigns    []Campaign `json:"campaigns"`
}

// Store keeps the people data of a data folder durably: what was
// imported, phishing reports, guidance messages sent and the pulse
// counts. It is safe for concurrent use by one process; another process
// may import meanwhile, and the store sees that at its next Open.
type Store struct {
	dir string
	key []byte // the pulse links' secret

	mu        sync.Mutex
	imported  Imported
	directory *Directory // nil until a staff directory is imported
	pulse     *Pulse     // nil until a staff directory is imported
	counts    []PulseCount
	reports   []Report
	guidance  []Message

	reportLog, guidanceLog *jsonLog
}

// OpenStore opens (creating) the people folder of a data folder and reads
// what it holds. A torn last record of a log, left by a crash, is cut off;
// anything else malformed is an error naming the file and line.
func OpenStore(dataDir string) (*Store, error) {
	dir := filepath.Join(dataDir, StoreDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("people store: %w", err)
	}
	s := &Store{dir: dir}
	var err error
	if s.key, err = readOrCreateKey(filepath.Join(dir, pulseKeyFile)); err != nil {
		return nil, err
	}
	if err := s.loadImported(); err != nil {
		return nil, err
	}
	if err := s.loadPulse(); err != nil {
		return nil, err
	}
	if err := s.openLogs(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) loadImported() error {
	path := filepath.Join(s.dir, importedFile)
	if err := readJSONFile(path, &s.imported); err != nil {
		return err
	}
	return s.useImported(s.imported, path)
}

// useImported makes im the store's imported data, building the directory
// and the pulse over it.
func (s *Store) useImported(im Imported, source string) error {
	if len(im.Staff) == 0 {
		s.imported, s.directory, s.pulse = im, nil, nil
		return nil
	}
	d, err := NewDirectory(im.Staff)
	if err != nil {
		return fmt.Errorf("%s: staff: %w", source, err)
	}
	p := NewPulse(d)
	if err := p.AddCounts(s.counts); err != nil {
		return err
	}
	s.imported, s.directory, s.pulse = im, d, p
	return nil
}

func (s *Store) loadPulse() error {
	path := filepath.Join(s.dir, pulseFile)
	var doc struct {
		Counts []PulseCount `json:"counts"`
	}
	if err := readJSONFile(path, &doc); err != nil {
		return err
	}
	s.counts = doc.Counts
	if s.pulse == nil {
		return nil
	}
	if err := s.pulse.AddCounts(doc.Counts); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (s *Store) openLogs() error {
	var err error
	s.reportLog, err = openJSONLog(filepath.Join(s.dir, reportsFile), decodeInto(&s.reports))
	if err != nil {
		return err
	}
	s.guidanceLog, err = openJSONLog(filepath.Join(s.dir, guidanceFile), decodeInto(&s.guidance))
	if err != nil {
		s.reportLog.close()
	}
	return err
}

// decodeInto returns a function that decodes a record onto the end of
// *list.
func decodeInto[T any](list *[]T) func(int, []byte) error {
	return func(_ int, rec []byte) error {
		var v T
		if err := json.Unmarshal(rec, &v); err != nil {
			return err
		}
		*list = append(*list, v)
		return nil
	}
}

// Close closes the logs.
func (s *Store) Close() error {
	err := s.reportLog.close()
	if gerr := s.guidanceLog.close(); err == nil {
		err = gerr
	}
	return err
}

// Imported returns what the imports brought in.
func (s *Store) Imported() Imported {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imported
}

// Directory returns the staff directory, or nil when none was imported.
func (s *Store) Directory() *Directory {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.directory
}

// AddReport stores a phishing report durably (synced before it returns)
// with a new random ID: the store is a ReportStore.
func (s *Store) AddReport(_ context.Context, r Report) (string, error) {
	id, err := NewReportID()
	if err != nil {
		return "", err
	}
	r.ID = id
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reportLog.append(r); err != nil {
		return "", err
	}
	s.reports = append(s.reports, r)
	return id, nil
}

// Reports returns the phishing reports, oldest first.
func (s *Store) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reports)
}

// RecordGuidance keeps a guidance message that was given.
func (s *Store) RecordGuidance(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.guidanceLog.append(m); err != nil {
		return err
	}
	s.guidance = append(s.guidance, m)
	return nil
}

// Guidance returns the guidance messages given, oldest first.
func (s *Store) Guidance() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.guidance)
}

// Touches returns the guidance given as training touches, for
// Training.Rollup and Guide.Restore.
func (s *Store) Touches() []Touch {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Touch, len(s.guidance))
	for i, m := range s.guidance {
		out[i] = Touch{StaffID: m.StaffID, Topic: m.Topic, At: m.At, AlertID: m.AlertID}
	}
	return out
}

// Recorder returns a Sender that sends through next (nil: sends nothing)
// and keeps each message it delivered in the store, so that guidance
// given survives a restart and counts as training.
func (s *Store) Recorder(next Sender) Sender {
	return SenderFunc(func(ctx context.Context, m Message) error {
		if next != nil {
			if err := next.Send(ctx, m); err != nil {
				return err
			}
		}
		return s.RecordGuidance(m)
	})
}

// readJSONFile decodes path into v; a missing file leaves v as it is.
func readJSONFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, jsonFieldError(data, err))
	}
	return nil
}

// writeJSONFile replaces path with v's JSON: written to a temporary file
// beside it, synced, renamed over it, and the folder synced, so that path
// holds the old content or the new after a crash.
func writeJSONFile(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.Write(buf.Bytes())
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncFolder(filepath.Dir(path))
}

func syncFolder(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
