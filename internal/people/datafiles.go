package people

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// pulseDoc is the form of pulse.json: the counts, one per round, staff
// group and site.
type pulseDoc struct {
	Counts []PulseCount `json:"counts"`
}

// readImported reads imported.json at path (the zero Imported when it
// does not exist), refusing a staff list that does not make a Directory.
func readImported(path string) (Imported, error) {
	var im Imported
	if err := readJSONFile(path, &im); err != nil {
		return Imported{}, err
	}
	if err := CheckImported(im); err != nil {
		return Imported{}, fmt.Errorf("%s: %w", path, err)
	}
	return im, nil
}

// readPulseCounts reads pulse.json at path (no counts when it does not
// exist), refusing a count that PulseCount.Check refuses.
func readPulseCounts(path string) ([]PulseCount, error) {
	var doc pulseDoc
	if err := readJSONFile(path, &doc); err != nil {
		return nil, err
	}
	for _, c := range doc.Counts {
		if err := c.Check(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return doc.Counts, nil
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
