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
// nothing, and blank lines are skipped. A line that does not decode is an
// error naming the file and line, except a last line cut short by a
// crash, which is dropped.
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
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue // a blank line holds nothing and harms nothing
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

// cutTornLine makes the file at path end on a whole line that reads, so
// that the next append neither joins a line a crash left half written nor
// turns the torn tail readJSONLines drops into damage before a good line.
// A last line that does not decode as a T is cut off; one that decodes
// but lost its newline gets it. A missing file is left so.
func cutTornLine[T any](path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	body := bytes.TrimSuffix(data, []byte{'\n'})
	start := bytes.LastIndexByte(body, '\n') + 1
	last := body[start:]
	blank := len(bytes.TrimSpace(last)) == 0
	if blank && (len(last) == 0 || len(body) < len(data)) {
		return nil // ends on a whole line
	}
	var v T
	// White space without its newline would join the next line appended
	// (a vertical tab is not JSON's white space): cut it as a torn line.
	if blank || json.Unmarshal(last, &v) != nil {
		if err := os.Truncate(path, int64(start)); err != nil {
			return fmt.Errorf("cut the torn last line of %s at byte %d: %w", path, start, err)
		}
		return nil
	}
	if len(body) < len(data) {
		return nil // whole, newline and all
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("end the last line of %s: %w", path, err)
	}
	_, err = f.Write([]byte{'\n'})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("end the last line of %s: %w", path, err)
	}
	return nil
}
