package people

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// jsonLog is an append-only file of JSON records, one a line. Each append
// is written whole and synced before it returns, so an acknowledged
// record survives a crash. A crash during a write can leave a torn last
// line; opening the log cuts that line off and keeps every record before
// it. A bad line followed by good ones is not a torn write but damage,
// and is refused with the file, line and byte offset.
type jsonLog struct {
	path string
	mu   sync.Mutex
	f    *os.File
	size int64 // bytes of whole records: a failed append is cut back to it
}

// openJSONLog opens (creating) the log at path and calls each with every
// complete record's bytes, in order.
func openJSONLog(path string, each func(line int, rec []byte) error) (*jsonLog, error) {
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	keep, err := scanJSONLines(path, data, each)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if keep < len(data) {
		// Cut the torn tail so that the next record starts on its own line.
		if err := f.Truncate(int64(keep)); err != nil {
			f.Close()
			return nil, fmt.Errorf("cut the torn last record of %s at byte %d: %w", path, keep, err)
		}
	}
	if _, err := f.Seek(int64(keep), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &jsonLog{path: path, f: f, size: int64(keep)}, nil
}

// scanJSONLines calls each with every complete line of data and returns
// the length of the part to keep: all of it, or all but a torn last line
// (one without its newline, or one that is not JSON).
func scanJSONLines(path string, data []byte, each func(line int, rec []byte) error) (int, error) {
	off, line := 0, 0
	for off < len(data) {
		line++
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			return off, nil // no newline: the write was cut short
		}
		rec := data[off : off+end]
		last := off+end+1 == len(data)
		if !json.Valid(rec) {
			if last {
				return off, nil
			}
			return 0, fmt.Errorf("%s:%d: byte %d: not a JSON record, and records follow it: the file is damaged", path, line, off)
		}
		if err := each(line, rec); err != nil {
			return 0, fmt.Errorf("%s:%d: byte %d: %w", path, line, off, err)
		}
		off += end + 1
	}
	return off, nil
}

// append writes v as one line and syncs it.
func (l *jsonLog) append(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("append to %s: %w", l.path, err)
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err = l.f.Write(b)
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		// Cut a half-written record off, so the next one starts on its
		// own line rather than joining it.
		l.f.Truncate(l.size)
		l.f.Seek(l.size, 0)
		return fmt.Errorf("append to %s: %w", l.path, err)
	}
	l.size += int64(len(b))
	return nil
}

func (l *jsonLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
