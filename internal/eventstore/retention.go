package eventstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Retain implements Retainer: it deletes the segments that are past
// Options.MaxAge and, oldest first, those beyond Options.MaxBytes. An
// active segment last written more than MaxAge ago is sealed first, so
// that a quiet store expires too.
func (l *Local) Retain(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.writable(); err != nil {
		return err
	}
	return l.retainLocked()
}

func (l *Local) retainLocked() error {
	if l.opts.MaxAge > 0 {
		ref := l.act.b.sum.ageRef()
		if !ref.IsZero() && ref.Before(l.opts.Now().Add(-l.opts.MaxAge)) {
			if err := l.seal(); err != nil {
				return err
			}
		}
	}
	victims := l.expired()
	if len(victims) == 0 {
		return nil
	}
	keep := l.sealed[:0]
	for _, s := range l.sealed {
		if !victims[s] {
			keep = append(keep, s)
		}
	}
	clear(l.sealed[len(keep):])
	l.sealed = keep
	// Each segment before its index: a crash part-way leaves an orphan
	// index, which Open removes, never a segment that looks unindexed.
	for s := range victims {
		if err := os.Remove(s.path); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("eventstore: delete segment %s: %w", filepath.Base(s.path), err)
		}
		if err := os.Remove(indexPath(s.path)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("eventstore: delete index of %s: %w", filepath.Base(s.path), err)
		}
		l.opts.Logger.Info("eventstore: deleted a segment by retention", "file", filepath.Base(s.path), "events", s.sum.count)
	}
	return l.syncDir()
}

// expired returns the sealed segments retention deletes.
func (l *Local) expired() map[*segInfo]bool {
	victims := map[*segInfo]bool{}
	if l.opts.MaxAge > 0 {
		cutoff := l.opts.Now().Add(-l.opts.MaxAge)
		for _, s := range l.sealed {
			if s.sum.ageRef().Before(cutoff) {
				victims[s] = true
			}
		}
	}
	if l.opts.MaxBytes > 0 {
		total := l.act.size
		for _, s := range l.sealed {
			if !victims[s] {
				total += s.sum.bytes + s.info.fileBytes()
			}
		}
		for _, s := range l.sealed {
			if total <= l.opts.MaxBytes {
				break
			}
			if !victims[s] {
				victims[s] = true
				total -= s.sum.bytes + s.info.fileBytes()
			}
		}
	}
	return victims
}
