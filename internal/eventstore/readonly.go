package eventstore

import (
	"fmt"
	"os"
)

// tailState is how far a read-only store has read the last segment.
type tailState struct {
	base uint64
	path string
	b    *indexBuilder // summary only
}

// OpenReadOnly opens the store in dir for searching while another process
// may be writing it: it takes no lock, reads the sealed segments by their
// indexes (scanning any that has none yet), and reads the last segment up
// to its last complete record, so that a write in progress is no error.
// Every call sees what has been written since.
func OpenReadOnly(dir string) (*Local, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("eventstore: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("eventstore: %s is not a directory", dir)
	}
	opts, _ := Options{}.withDefaults() // the zero Options are valid
	l := &Local{dir: dir, opts: opts, readOnly: true}
	if err := l.refresh(); err != nil {
		return nil, err
	}
	return l, nil
}

// refresh brings a read-only store's view up to date with the directory.
func (l *Local) refresh() error {
	segs, err := listSegments(l.dir, false)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		l.sealed, l.tail, l.pos = nil, nil, 0
		return nil
	}
	known := map[uint64]*segInfo{}
	for _, s := range l.sealed {
		known[s.base] = s
	}
	l.sealed = l.sealed[:0]
	for _, s := range segs[:len(segs)-1] {
		si := known[s.base]
		if si == nil || (si.info == nil && si.sum.bytes != s.size) {
			if si, err = l.readSealed(s); err != nil {
				return err
			}
		}
		if si != nil {
			l.sealed = append(l.sealed, si)
		}
	}
	return l.readTail(segs[len(segs)-1])
}

// readSealed describes a sealed segment by its index or, until the writer
// has written one, by scanning it; nil when retention deleted it meanwhile.
func (l *Local) readSealed(s segFile) (*segInfo, error) {
	if info, err := readIndexInfo(indexPath(s.path)); err == nil && info.sum.bytes == s.size {
		return &segInfo{base: s.base, path: s.path, sum: info.sum, info: info}, nil
	}
	b := newIndexBuilder(0, false)
	end, err := scanFile(s.path, s.size, false, func(seq uint64, data []byte, _ int64) error {
		b.add(seq, data)
		return nil
	})
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b.sum.bytes = end
	return &segInfo{base: s.base, path: s.path, sum: b.sum}, nil
}

// readTail reads the last segment on from where the last refresh stopped.
func (l *Local) readTail(s segFile) error {
	if l.tail == nil || l.tail.base != s.base {
		l.tail = &tailState{base: s.base, path: s.path, b: newIndexBuilder(0, false)}
	}
	t := l.tail
	end, err := scanFrom(s.path, t.b.sum.bytes, s.size, false, func(seq uint64, data []byte, _ int64) error {
		t.b.add(seq, data)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	t.b.sum.bytes = max(end, t.b.sum.bytes)
	l.pos = s.base - 1
	if t.b.sum.count > 0 {
		l.pos = t.b.sum.last
	}
	return nil
}
