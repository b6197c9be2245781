package audit

import (
	"fmt"
	"time"
)

// Chain is an audit log, wherever it is kept: the file Log of one node, or
// a table shared by several (internal/pgstore). Every implementation
// passes the suite in audit/audittest.
type Chain interface {
	// Append seals e as the next entry (setting Seq, MAC, Prev, Hash, and
	// Time when zero) and returns it once it is durable.
	Append(e Entry) (Entry, error)
	// Verify checks the whole chain with the key the chain was opened
	// with, returning the entries checked and a *ChainError naming the
	// first bad one.
	Verify() (checked int, err error)
	// Close ends appends; later ones return ErrClosed.
	Close() error
}

var _ Chain = (*Log)(nil)

// Verify implements Chain: VerifyKeyed over the log's folder with its key.
func (l *Log) Verify() (int, error) { return VerifyKeyed(l.dir, l.opts.Key) }

// Sealer seals and checks entries for a Chain kept outside this package,
// so that its hashes are the file log's exactly.
type Sealer struct{ s sealer }

// NewSealer hashes with HMAC-SHA256 under key, or SHA-256 when key is nil.
func NewSealer(key []byte) Sealer { return Sealer{sealer{key: key}} }

// Seal makes e entry seq of the chain after the entry whose hash is prev
// (seq 1 and prev "" for the first), as Log.Append does: Time defaults to
// now (UTC), a long Object is cut, and Seq, MAC, Prev and Hash are set. It
// returns the entry's canonical line, without its newline.
func (s Sealer) Seal(e *Entry, seq uint64, prev string, now func() time.Time) ([]byte, error) {
	if e.Time.IsZero() {
		e.Time = now()
	}
	e.Time = e.Time.UTC()
	if len(e.Object) > maxObject {
		e.Object = e.Object[:maxObject] + "..."
	}
	e.Seq, e.Prev, e.Hash, e.MAC = seq, prev, "", ""
	if s.s.key != nil {
		e.MAC = macHMAC
	}
	line, err := s.s.encode(e)
	if err != nil {
		return nil, err
	}
	return line[:len(line)-1], nil
}

// Check verifies one canonical line (without its newline) as entry seq
// following the entry whose hash is prev, and returns the entry. The error
// says what is wrong, for a *ChainError's Reason.
func (s Sealer) Check(line []byte, seq uint64, prev string) (Entry, error) {
	e, err := decodeLine(line)
	if err != nil {
		return e, err
	}
	if err := s.s.check(e, line); err != nil {
		return e, err
	}
	if e.Seq != seq {
		return e, fmt.Errorf("out of sequence: entry %d where entry %d belongs", e.Seq, seq)
	}
	if e.Prev != prev {
		return e, fmt.Errorf("broken link: prev is not the hash of entry %d", seq-1)
	}
	return e, nil
}
