package people

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/vigilhealth/vigil/internal/storeguard"
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

// fileData is the DataStore of a data folder's people files. It reads
// them all when opened and holds them in memory; every write reaches the
// disk (synced) before it returns and before memory changes, so that a
// failed write changes nothing. The imported data is also read again
// whenever imported.json has been replaced since (importedSeen), as
// vigil people import writes it from another process while the service
// runs.
type fileData struct {
	dir string
	key []byte

	guard    storeguard.Guard // held across each write, so files and memory agree
	imported Imported
	// importedSeen is imported.json as it was when imported was read
	// from it (nil: no file then); nil too after a save of our own, so
	// that the next look reads the file again.
	importedSeen os.FileInfo
	counts       []PulseCount
	reports      []Report
	guidance     []Message

	reportLog, guidanceLog *jsonLog
}

var _ DataStore = (*fileData)(nil)

// OpenFileData opens (creating) the people folder of a data folder as a
// DataStore and reads what it holds. A torn last record of a log, left by
// a crash, is cut off; anything else malformed is an error naming the
// file and line. Another process may write the folder meanwhile: the
// store sees another's import at its next LoadImported or
// ImportGeneration (vigil people import), its other writes only when
// opened again.
func OpenFileData(dataDir string) (DataStore, error) {
	dir := filepath.Join(dataDir, StoreDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("people store: %w", err)
	}
	f := &fileData{dir: dir}
	var err error
	if f.key, err = readOrCreateKey(f.path(pulseKeyFile)); err != nil {
		return nil, err
	}
	if err := f.refreshImported(); err != nil {
		return nil, err
	}
	if f.counts, err = readPulseCounts(f.path(pulseFile)); err != nil {
		return nil, err
	}
	if err := f.openLogs(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *fileData) path(name string) string { return filepath.Join(f.dir, name) }

func (f *fileData) openLogs() error {
	var err error
	f.reportLog, err = openJSONLog(f.path(reportsFile), decodeInto(&f.reports))
	if err != nil {
		return err
	}
	f.guidanceLog, err = openJSONLog(f.path(guidanceFile), decodeInto(&f.guidance))
	if err != nil {
		f.reportLog.close()
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

// use runs fn under the lock unless the store is closed or ctx is done.
func (f *fileData) use(ctx context.Context, fn func() error) error {
	return f.guard.Do(ctx, ErrClosed, fn)
}

// LoadImported implements DataStore: what imported.json holds now.
func (f *fileData) LoadImported(ctx context.Context) (im Imported, err error) {
	err = f.use(ctx, func() error {
		err := f.refreshImported()
		im = f.imported
		return err
	})
	return im, err
}

// ImportGeneration implements DataStore: imported.json is read again
// only when a stat says it was replaced since it was last read.
func (f *fileData) ImportGeneration(ctx context.Context) (gen uint64, err error) {
	err = f.use(ctx, func() error {
		err := f.refreshImported()
		gen = f.imported.Generation
		return err
	})
	return gen, err
}

// SaveImported implements DataStore: imported.json is replaced whole,
// atomically, one generation past the one on disk. Imports into one
// folder are to be run one at a time: two processes saving at the same
// moment may both take the same generation, and the last rename wins.
func (f *fileData) SaveImported(ctx context.Context, im Imported) (gen uint64, err error) {
	if err := CheckImported(im); err != nil {
		return 0, err
	}
	err = f.use(ctx, func() error {
		if err := f.refreshImported(); err != nil {
			return err
		}
		im.Generation = f.imported.Generation + 1
		if err := writeJSONFile(f.path(importedFile), im); err != nil {
			return err
		}
		f.imported, f.importedSeen, gen = im, nil, im.Generation
		return nil
	})
	return gen, err
}

// refreshImported reads imported.json again when it is not the file last
// read: a save replaces it by renaming a new file over it, so its inode,
// modification time or size differ. It runs under f.guard.
func (f *fileData) refreshImported() error {
	path := f.path(importedFile)
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		info = nil
	case err != nil:
		return fmt.Errorf("people store: %w", err)
	}
	if f.importedSeen != nil && info != nil && os.SameFile(info, f.importedSeen) &&
		info.ModTime().Equal(f.importedSeen.ModTime()) && info.Size() == f.importedSeen.Size() {
		return nil
	}
	// Stat before reading: a save in between makes the next look read
	// the file again, never keeps a stale copy.
	im, err := readImported(path)
	if err != nil {
		return err
	}
	f.imported, f.importedSeen = im, info
	return nil
}

// AddReport implements DataStore: the report is appended to its log and
// synced.
func (f *fileData) AddReport(ctx context.Context, r Report) (string, error) {
	id, err := NewReportID()
	if err != nil {
		return "", err
	}
	r.ID = id
	err = f.use(ctx, func() error {
		if err := f.reportLog.append(r); err != nil {
			return err
		}
		f.reports = append(f.reports, r)
		return nil
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// ListReports implements DataStore.
func (f *fileData) ListReports(ctx context.Context) (rs []Report, err error) {
	err = f.use(ctx, func() error { rs = slices.Clone(f.reports); return nil })
	return rs, err
}

// AddGuidance implements DataStore: the message is appended to its log
// and synced.
func (f *fileData) AddGuidance(ctx context.Context, m Message) error {
	return f.use(ctx, func() error {
		if err := f.guidanceLog.append(m); err != nil {
			return err
		}
		f.guidance = append(f.guidance, m)
		return nil
	})
}

// ListGuidance implements DataStore.
func (f *fileData) ListGuidance(ctx context.Context) (ms []Message, err error) {
	err = f.use(ctx, func() error { ms = slices.Clone(f.guidance); return nil })
	return ms, err
}

// AddPulseCount implements DataStore: pulse.json is replaced whole,
// atomically, with c added to its cell.
func (f *fileData) AddPulseCount(ctx context.Context, c PulseCount) error {
	if err := c.Check(); err != nil {
		return err
	}
	return f.use(ctx, func() error {
		counts := withCount(f.counts, c)
		if err := writeJSONFile(f.path(pulseFile), pulseDoc{counts}); err != nil {
			return err
		}
		f.counts = counts
		return nil
	})
}

// withCount returns cs with c added to its cell, as a new slice: cs is
// left as it was, so that a failed save changes nothing.
func withCount(cs []PulseCount, c PulseCount) []PulseCount {
	out := slices.Clone(cs)
	for i, o := range out {
		if o.Round == c.Round && o.Group == c.Group && o.Site == c.Site {
			out[i] = o.Plus(c)
			return out
		}
	}
	return append(out, c)
}

// PulseCounts implements DataStore.
func (f *fileData) PulseCounts(ctx context.Context) (cs []PulseCount, err error) {
	err = f.use(ctx, func() error { cs = slices.Clone(f.counts); return nil })
	return cs, err
}

// PulseKey implements DataStore: pulse.key, made when the folder was
// first opened.
func (f *fileData) PulseKey(ctx context.Context) (key []byte, err error) {
	err = f.use(ctx, func() error { key = slices.Clone(f.key); return nil })
	return key, err
}

// Close implements DataStore: it closes the logs.
func (f *fileData) Close() error {
	return f.guard.Close(func() error {
		err := f.reportLog.close()
		if gerr := f.guidanceLog.close(); err == nil {
			err = gerr
		}
		return err
	})
}
