package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/dirlock"
)

// ErrClosed is returned by a FileStore's methods after Close.
var ErrClosed = errors.New("alert: store is closed")

// logName is the commit log's file name in the store's directory.
const logName = "alerts.log"

// syncWrites is false only in fuzz tests, which would otherwise spend
// their time waiting for the disk.
var syncWrites = true

// fsync syncs f unless syncWrites is off.
func fsync(f *os.File) error {
	if !syncWrites {
		return nil
	}
	return f.Sync()
}

// FileStore is the embedded Store: one append-only commit log in a
// directory, with the whole state (every alert and incident, latest
// version) held in memory and rebuilt from the log at Open.
//
// Commit appends one framed record and fsyncs it before returning, so a
// commit is atomic and durable: after a crash the log holds every
// acknowledged commit, a commit cut short is dropped at Open as a torn tail,
// and a damaged record with data after it is refused as corruption. When
// the log grows past four times the live state it is compacted: the state
// is written to a new file, fsynced and renamed over the log, and the
// directory fsynced. A LOCK file keeps a second process out.
//
// It is safe for concurrent use; commits are serialised, and queries run
// beside them.
type FileStore struct {
	dir, path string
	lock      *os.File

	wmu    sync.Mutex // serialises Commit, compaction and Close
	f      *os.File   // the log, open for appending; nil once closed
	failed error      // set when the log may hold a partial write: no more commits
	stats  FileStoreStats

	mu        sync.RWMutex // guards the state below
	closed    bool
	pos       uint64
	alerts    map[string]stored[Alert]
	incidents map[string]stored[Incident]
	live      int64 // encoded bytes of the state
}

// stored is an item with its encoded size, which compaction is weighed by.
type stored[T any] struct {
	v    *T
	size int
}

// FileStoreStats describes a FileStore's log, for metrics and tests.
type FileStoreStats struct {
	LogBytes    int64 // size of the log
	LiveBytes   int64 // encoded size of the current state
	TornBytes   int64 // bytes cut from the log's end at Open
	Compactions int   // compactions since Open
}

// OpenFileStore opens the store in dir, creating dir and the store if
// needed, and rebuilds its state from the log.
func OpenFileStore(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("alert: create store directory %s: %w", dir, err)
	}
	lock, err := dirlock.Lock(dir, "alert: store")
	if err != nil {
		return nil, err
	}
	s := &FileStore{
		dir: dir, path: filepath.Join(dir, logName), lock: lock,
		alerts: map[string]stored[Alert]{}, incidents: map[string]stored[Incident]{},
	}
	if err := s.open(); err != nil {
		if s.f != nil {
			s.f.Close()
		}
		dirlock.Unlock(lock)
		return nil, err
	}
	return s, nil
}

// open removes what an interrupted compaction left, then reads the log,
// cutting a torn tail.
func (s *FileStore) open() error {
	if err := os.Remove(s.path + compactSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("alert: remove unfinished compaction: %w", err)
	}
	_, statErr := os.Stat(s.path)
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("alert: open %s: %w", s.path, err)
	}
	s.f = f
	if errors.Is(statErr, os.ErrNotExist) {
		if err := syncDir(s.dir); err != nil { // make the new file's name durable
			return err
		}
	}
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("alert: stat %s: %w", s.path, err)
	}
	end, err := scanLog(f, info.Size(), s.load)
	if errors.Is(err, errBadFrame) {
		err = s.cutTail(end, info.Size())
	}
	if err != nil {
		return err
	}
	if _, err := f.Seek(end, 0); err != nil {
		return fmt.Errorf("alert: seek %s to byte offset %d: %w", s.path, end, err)
	}
	s.stats.LogBytes = end
	return nil
}

// load applies the record read at byte offset off.
func (s *FileStore) load(off int64, payload []byte) error {
	var rec record
	if err := json.Unmarshal(payload, &rec); err != nil {
		return fmt.Errorf("alert: %s: record at byte offset %d: %w", s.path, off, err)
	}
	if err := s.apply(rec); err != nil {
		return fmt.Errorf("alert: %s: record at byte offset %d: %w", s.path, off, err)
	}
	return nil
}

// cutTail drops a torn tail after end, or reports corruption.
func (s *FileStore) cutTail(end, size int64) error {
	torn, err := isTornTail(s.f, end, size)
	if err != nil {
		return err
	}
	if !torn {
		return fmt.Errorf("alert: %s is corrupt: bad record at byte offset %d with data after it (restore the store from a backup, or move the file aside to start empty)", s.path, end)
	}
	if err := s.f.Truncate(end); err != nil {
		return fmt.Errorf("alert: cut torn tail of %s at byte offset %d: %w", s.path, end, err)
	}
	if err := fsync(s.f); err != nil {
		return fmt.Errorf("alert: sync %s: %w", s.path, err)
	}
	s.stats.TornBytes = size - end
	return nil
}

// apply decodes a record's items into the state; latest wins.
func (s *FileStore) apply(rec record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, raw := range rec.Alerts {
		a := new(Alert)
		if err := json.Unmarshal(raw, a); err != nil {
			return fmt.Errorf("decode alert: %w", err)
		}
		s.live += int64(len(raw)) - int64(s.alerts[a.ID].size)
		s.alerts[a.ID] = stored[Alert]{a, len(raw)}
	}
	for _, raw := range rec.Incidents {
		inc := new(Incident)
		if err := json.Unmarshal(raw, inc); err != nil {
			return fmt.Errorf("decode incident: %w", err)
		}
		s.live += int64(len(raw)) - int64(s.incidents[inc.ID].size)
		s.incidents[inc.ID] = stored[Incident]{inc, len(raw)}
	}
	s.pos = rec.Pos
	return nil
}

// Commit implements Store. pos may repeat the last position but not go
// below it. The store keeps its own copies of alerts and incidents.
func (s *FileStore) Commit(ctx context.Context, pos uint64, alerts []*Alert, incidents []*Incident) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("alert: commit at position %d: %w", pos, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(); err != nil {
		return err
	}
	if cur := s.position(); pos < cur {
		return fmt.Errorf("alert: commit at position %d: the store is already at %d, and positions never go back", pos, cur)
	}
	// Merging under wmu sees every earlier write: only writers change the
	// state, and they are serialised.
	alerts, incidents = s.keepPeople(alerts, incidents)
	return s.write(pos, alerts, incidents)
}

// write appends one commit record and applies it. The caller holds wmu.
func (s *FileStore) write(pos uint64, alerts []*Alert, incidents []*Incident) error {
	rec, err := encodeCommit(pos, alerts, incidents)
	if err != nil {
		return fmt.Errorf("alert: commit at position %d: %w", pos, err)
	}
	if err := s.append(appendFrame(nil, encodeRecord(pos, rec.Alerts, rec.Incidents))); err != nil {
		return err
	}
	s.keep(pos, alerts, incidents, rec)
	return s.maybeCompact()
}

// keep makes the store's own copies of a commit it has just written: the
// same state apply would rebuild from the record, without decoding the
// JSON it was just encoded to.
func (s *FileStore) keep(pos uint64, alerts []*Alert, incidents []*Incident, rec record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, a := range alerts {
		c := cloneAlert(a)
		c.Event = cloneEventMap(a.Event)
		s.live += int64(len(rec.Alerts[i])) - int64(s.alerts[c.ID].size)
		s.alerts[c.ID] = stored[Alert]{c, len(rec.Alerts[i])}
	}
	for i, inc := range incidents {
		c := cloneIncident(inc)
		s.live += int64(len(rec.Incidents[i])) - int64(s.incidents[c.ID].size)
		s.incidents[c.ID] = stored[Incident]{c, len(rec.Incidents[i])}
	}
	s.pos = pos
}

// cloneEventMap copies an alert's event: its values are strings, or lists
// of strings for repeated fields.
func cloneEventMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case []string:
			c[k] = slices.Clone(v)
		case []any:
			c[k] = slices.Clone(v)
		default:
			c[k] = v
		}
	}
	return c
}

// keepPeople merges each item to commit with its stored version, so that
// the detector never undoes what people changed. Items without an ID are
// left for encodeCommit to refuse.
func (s *FileStore) keepPeople(alerts []*Alert, incidents []*Incident) ([]*Alert, []*Incident) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	outA := make([]*Alert, len(alerts))
	for i, a := range alerts {
		outA[i] = a
		if a != nil {
			outA[i] = mergeAlert(s.alerts[a.ID].v, a)
		}
	}
	outI := make([]*Incident, len(incidents))
	for i, inc := range incidents {
		outI[i] = inc
		if inc != nil {
			outI[i] = mergeIncident(s.incidents[inc.ID].v, inc)
		}
	}
	return outA, outI
}

// encodeCommit encodes each item of a commit, refusing items without ID.
func encodeCommit(pos uint64, alerts []*Alert, incidents []*Incident) (record, error) {
	rec := record{Pos: pos, Alerts: make([]json.RawMessage, len(alerts)), Incidents: make([]json.RawMessage, len(incidents))}
	for i, a := range alerts {
		if a == nil || a.ID == "" {
			return rec, fmt.Errorf("alert %d of %d has no ID", i+1, len(alerts))
		}
		b, err := json.Marshal(a)
		if err != nil {
			return rec, fmt.Errorf("encode alert %s: %w", a.ID, err)
		}
		rec.Alerts[i] = b
	}
	for i, inc := range incidents {
		if inc == nil || inc.ID == "" {
			return rec, fmt.Errorf("incident %d of %d has no ID", i+1, len(incidents))
		}
		b, err := json.Marshal(inc)
		if err != nil {
			return rec, fmt.Errorf("encode incident %s: %w", inc.ID, err)
		}
		rec.Incidents[i] = b
	}
	return rec, nil
}

func (s *FileStore) writable() error {
	if s.f == nil {
		return ErrClosed
	}
	return s.failed
}

// append writes and fsyncs a frame. If that fails, the log may end in a
// partial frame; it is cut back so that the next commit does not follow
// garbage, and if even that fails the store takes no more commits.
func (s *FileStore) append(frame []byte) error {
	_, err := s.f.Write(frame)
	if err == nil {
		err = fsync(s.f)
	}
	if err != nil {
		err = fmt.Errorf("alert: append to %s at byte offset %d: %w", s.path, s.stats.LogBytes, err)
		if terr := s.rewind(); terr != nil {
			s.failed = fmt.Errorf("%w; then %w: reopen the store", err, terr)
			return s.failed
		}
		return err
	}
	s.stats.LogBytes += int64(len(frame))
	return nil
}

func (s *FileStore) rewind() error {
	if err := s.f.Truncate(s.stats.LogBytes); err != nil {
		return err
	}
	if _, err := s.f.Seek(s.stats.LogBytes, 0); err != nil {
		return err
	}
	return fsync(s.f)
}

func (s *FileStore) position() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.pos
}

// Position implements Store.
func (s *FileStore) Position(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, ErrClosed
	}
	return s.pos, nil
}

// Count implements Store.
func (s *FileStore) Count(ctx context.Context) (alerts, incidents int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, 0, ErrClosed
	}
	return len(s.alerts), len(s.incidents), nil
}

// Stats reports the log's size, the live state's, and what Open cut.
func (s *FileStore) Stats() FileStoreStats {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	st := s.stats
	s.mu.RLock()
	st.LiveBytes = s.live
	s.mu.RUnlock()
	return st
}

// Close implements Store. It releases the directory; later calls return
// ErrClosed, and closing twice is harmless.
func (s *FileStore) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	dirlock.Unlock(s.lock)
	if err != nil {
		return fmt.Errorf("alert: close %s: %w", s.path, err)
	}
	return nil
}

// syncDir makes the names in dir durable.
func syncDir(dir string) error {
	if !syncWrites {
		return nil
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	return nil
}
