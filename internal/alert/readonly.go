package alert

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// OpenFileStoreReadOnly reads the store in dir as it is now, for a reader
// beside the process that writes it (a report while vigil serve runs). It
// takes no lock and changes nothing: an unfinished compaction is ignored,
// and a frame at the log's end that is still being written (or was torn by
// a crash) is left out rather than cut. A damaged frame with data after it
// is refused as corruption, naming the byte offset. The store answers
// queries; Commit and the updates return ErrClosed. A missing store is an
// error wrapping fs.ErrNotExist.
func OpenFileStoreReadOnly(dir string) (*FileStore, error) {
	path := filepath.Join(dir, logName)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("alert: open %s read-only: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("alert: stat %s: %w", path, err)
	}
	s := &FileStore{dir: dir, path: path, alerts: map[string]stored[Alert]{}, incidents: map[string]stored[Incident]{}}
	end, err := scanLog(f, info.Size(), s.load)
	if errors.Is(err, errBadFrame) {
		torn, terr := isTornTail(f, end, info.Size())
		switch {
		case terr != nil:
			err = terr
		case torn:
			err = nil
			s.stats.TornBytes = info.Size() - end
		default:
			err = fmt.Errorf("alert: %s is corrupt: bad record at byte offset %d with data after it", path, end)
		}
	}
	if err != nil {
		return nil, err
	}
	s.stats.LogBytes = end
	return s, nil
}
