package audit

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/atomicfile"
)

// DefaultMaxFileBytes is the size at which a file is rotated when Options
// sets none.
const DefaultMaxFileBytes = 32 << 20

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("audit: log closed")

// Options tune a Log; the zero value is usable.
type Options struct {
	Key          []byte           // HMAC key; nil hashes with plain SHA-256
	MaxFileBytes int64            // rotate before a file grows past this; 0: DefaultMaxFileBytes
	Logger       *slog.Logger     // nil discards
	Now          func() time.Time // the clock for Entry.Time; nil: time.Now
}

// Log appends entries to the chain in one folder. It is safe for
// concurrent use by one process; a second process must not append to the
// same folder at the same time (Verify may read it).
type Log struct {
	dir  string
	opts Options
	seal sealer

	// mu guards the chain's head and the active file; writes happen under it.
	mu      sync.Mutex
	f       *os.File
	size    int64
	seq     uint64     // last written
	prev    string     // its hash
	retired []*os.File // rotated files, fsynced, closed by the next sync
	err     error      // sticky: a failed write or fsync leaves the file unknown
	closed  bool

	// syncMu makes one fsync at a time; synced is the last seq on disk.
	syncMu sync.Mutex
	synced uint64
}

// Open opens or creates the log in dir and finds the head of the chain,
// dropping a torn last line left by a crash (and logging it).
func Open(dir string, opts Options) (*Log, error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	l := &Log{dir: dir, opts: opts, seal: sealer{key: opts.Key}}
	if err := l.recover(); err != nil {
		return nil, err
	}
	l.synced = l.seq
	return l, nil
}

// Dir is the folder of the log.
func (l *Log) Dir() string { return l.dir }

// Append seals e as the next entry of the chain (setting Seq, MAC, Prev,
// Hash, and Time when zero) and returns it once it is on disk.
// Concurrent appends share fsyncs.
func (l *Log) Append(e Entry) (Entry, error) {
	l.mu.Lock()
	if err := l.usable(); err != nil {
		l.mu.Unlock()
		return Entry{}, err
	}
	if e.Time.IsZero() {
		e.Time = l.opts.Now()
	}
	e.Time = e.Time.UTC()
	if len(e.Object) > maxObject {
		e.Object = e.Object[:maxObject] + "..."
	}
	e.Seq, e.Prev, e.Hash, e.MAC = l.seq+1, l.prev, "", ""
	if l.seal.key != nil {
		e.MAC = macHMAC
	}
	line, err := l.seal.encode(&e)
	if err == nil {
		err = l.write(line, e.Seq)
	}
	if err != nil {
		l.err = err
		l.mu.Unlock()
		return Entry{}, err
	}
	l.seq, l.prev = e.Seq, e.Hash
	l.mu.Unlock()
	return e, l.syncTo(e.Seq)
}

func (l *Log) usable() error {
	if l.closed {
		return ErrClosed
	}
	if l.err != nil {
		return fmt.Errorf("audit: log unusable after an earlier failure (restart to recover): %w", l.err)
	}
	return nil
}

// write appends line for entry seq, rotating first when the active file
// would grow past the limit. Called with l.mu held.
func (l *Log) write(line []byte, seq uint64) error {
	if l.f == nil || (l.size > 0 && l.size+int64(len(line)) > l.opts.MaxFileBytes) {
		if err := l.rotate(seq); err != nil {
			return err
		}
	}
	n, err := l.f.Write(line)
	l.size += int64(n)
	if err != nil {
		return fmt.Errorf("audit: write %s: %w", l.f.Name(), err)
	}
	return nil
}

// rotate fsyncs the active file and starts a new one named for seq, its
// first entry. The old file is closed by the next syncTo, which may be
// running on it now. Called with l.mu held.
func (l *Log) rotate(seq uint64) error {
	if l.f != nil {
		if err := l.f.Sync(); err != nil {
			return fmt.Errorf("audit: fsync %s: %w", l.f.Name(), err)
		}
		l.retired = append(l.retired, l.f)
	}
	path := filepath.Join(l.dir, fileName(seq))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	l.f, l.size = f, 0
	return syncDir(l.dir)
}

// syncTo returns once entry seq is on disk: either an fsync that began
// after it was written covers it, or this call runs one for every entry
// written so far.
func (l *Log) syncTo(seq uint64) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if l.synced >= seq {
		return nil
	}
	l.mu.Lock()
	if l.closed { // Close fsynced everything written before it
		l.mu.Unlock()
		return nil
	}
	if l.err != nil {
		err := l.usable()
		l.mu.Unlock()
		return err
	}
	f, target, retired := l.f, l.seq, l.retired
	l.retired = nil
	l.mu.Unlock()
	err := f.Sync()
	for _, r := range retired {
		r.Close() // fsynced by rotate
	}
	if err != nil {
		l.mu.Lock()
		l.err = fmt.Errorf("audit: fsync: %w", err)
		l.mu.Unlock()
		return err
	}
	l.synced = target
	return nil
}

// Close fsyncs and closes the log; later appends return ErrClosed.
func (l *Log) Close() error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	for _, r := range l.retired {
		r.Close()
	}
	l.retired = nil
	if l.f == nil {
		return nil
	}
	err := l.f.Sync()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("audit: close: %w", err)
	}
	return nil
}

// fileName is the name of the file whose first entry is seq; the zero
// padding makes name order the chain's order.
func fileName(seq uint64) string { return fmt.Sprintf("audit-%020d.jsonl", seq) }

func syncDir(dir string) error {
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
