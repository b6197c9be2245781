package assure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// appendJSONLine adds v as one JSON line to the file at path and syncs it;
// what names the file in errors ("assessment history").
func appendJSONLine(path, what string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	return f.Close()
}

// readJSONLines reads a JSON-lines file in order; a missing file holds
// nothing. A line that does not decode is an error naming the file and
// line, except a last line cut short by a crash, which is dropped.
func readJSONLines[T any](path, what string) ([]T, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var bad error
	for line := 1; sc.Scan(); line++ {
		if bad != nil { // a bad line followed by more: not a torn tail
			return nil, bad
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			bad = fmt.Errorf("%s %s:%d: %w", what, path, line, err)
			continue
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	return out, nil
}

// cutTornLine truncates the file at path after its last newline, dropping
// a line a crash left half written, so that the next append does not
// join it and make the whole file unreadable. A missing file is left so.
func cutTornLine(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(data) == 0 || data[len(data)-1] == '\n' {
		return nil
	}
	if err := os.Truncate(path, int64(bytes.LastIndexByte(data, '\n')+1)); err != nil {
		return fmt.Errorf("cut the torn last line of %s: %w", path, err)
	}
	return nil
}
