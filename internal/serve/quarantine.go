package serve

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Quarantine bounds.
const (
	// DefaultQuarantineBytes bounds quarantine.jsonl: past it the file is
	// renamed to quarantine.jsonl.1 (replacing the older one) and a new file
	// started, so the quarantine holds at most about twice this.
	DefaultQuarantineBytes = 64 << 20
	// maxQuarantinedRaw bounds the bytes of one message kept.
	maxQuarantinedRaw = 64 << 10
)

// quarantine keeps malformed messages in a JSON Lines file, with the reason,
// the listener, the peer and the time, and counts them per listener.
type quarantine struct {
	path string
	max  int64
	log  *slog.Logger

	mu    sync.Mutex
	f     *os.File
	size  int64
	count map[string]int64 // per listener
}

type quarantined struct {
	Time      time.Time `json:"time"`
	Listener  string    `json:"listener"`
	Peer      string    `json:"peer"`
	Reason    string    `json:"reason"`
	Raw       string    `json:"raw"`
	Truncated bool      `json:"truncated,omitempty"`
}

func openQuarantine(path string, max int64, log *slog.Logger) (*quarantine, error) {
	q := &quarantine{path: path, max: max, log: log, count: map[string]int64{}}
	if err := q.open(); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *quarantine) open() error {
	f, err := os.OpenFile(q.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("quarantine: %w", err)
	}
	q.f, q.size = f, st.Size()
	return nil
}

// Reject implements ingest.Quarantine. It does not keep raw.
func (q *quarantine) Reject(listener, peer string, raw []byte, reason error) {
	rec := quarantined{Time: time.Now().UTC(), Listener: listener, Peer: peer, Reason: fmt.Sprint(reason)}
	if len(raw) > maxQuarantinedRaw {
		raw, rec.Truncated = raw[:maxQuarantinedRaw], true
	}
	rec.Raw = string(raw)
	line, err := json.Marshal(rec)
	if err != nil { // cannot happen for these field types
		line = []byte(`{"reason":"unencodable"}`)
	}
	line = append(line, '\n')
	q.mu.Lock()
	defer q.mu.Unlock()
	q.count[listener]++
	if err := q.write(line); err != nil {
		q.log.Error("quarantine write failed; the message is counted but not kept", "listener", listener, "peer", peer, "err", err)
	}
}

func (q *quarantine) write(line []byte) error {
	if q.f == nil {
		if err := q.open(); err != nil {
			return err
		}
	}
	if q.size > 0 && q.size+int64(len(line)) > q.max {
		q.f.Close()
		q.f = nil
		if err := os.Rename(q.path, q.path+".1"); err != nil {
			return fmt.Errorf("quarantine rotate %s: %w", q.path, err)
		}
		if err := q.open(); err != nil {
			return err
		}
	}
	n, err := q.f.Write(line)
	q.size += int64(n)
	return err
}

// Counts returns the messages quarantined per listener.
func (q *quarantine) Counts() map[string]int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[string]int64, len(q.count))
	for k, v := range q.count {
		out[k] = v
	}
	return out
}

// Total returns the messages quarantined in all.
func (q *quarantine) Total() int64 {
	var n int64
	for _, v := range q.Counts() {
		n += v
	}
	return n
}

func (q *quarantine) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.f == nil {
		return nil
	}
	err := q.f.Close()
	q.f = nil
	return err
}
