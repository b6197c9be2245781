package people

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Saved is the people data of a data folder as LoadSaved reads it.
type Saved struct {
	Imported Imported
	Reports  []Report
	Guidance []Message
	Pulse    *Pulse // nil without a staff directory
}

// LoadSaved reads a data folder's people data without changing anything:
// it is safe while vigil serve runs. A torn last log record (a write in
// progress) is left out rather than cut off. ok is false when the folder
// holds no people data.
func LoadSaved(dataDir string) (s Saved, ok bool, err error) {
	dir := filepath.Join(dataDir, StoreDir)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return s, false, nil
	}
	if s.Imported, err = readImported(filepath.Join(dir, importedFile)); err != nil {
		return s, false, err
	}
	if s.Reports, err = readLog[Report](filepath.Join(dir, reportsFile)); err != nil {
		return s, false, err
	}
	if s.Guidance, err = readLog[Message](filepath.Join(dir, guidanceFile)); err != nil {
		return s, false, err
	}
	if len(s.Imported.Staff) > 0 {
		counts, err := readPulseCounts(filepath.Join(dir, pulseFile))
		if err != nil {
			return s, false, err
		}
		d, err := NewDirectory(s.Imported.Staff)
		if err != nil {
			return s, false, err
		}
		s.Pulse = NewPulse(d)
		if err := s.Pulse.AddCounts(counts); err != nil {
			return s, false, err
		}
	}
	return s, true, nil
}

// readLog reads a log's complete records, leaving out a torn last one.
func readLog[T any](path string) ([]T, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []T
	_, err = scanJSONLines(path, data, decodeInto(&out))
	return out, err
}
