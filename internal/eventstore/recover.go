package eventstore

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// segFile is a segment file found in the directory.
type segFile struct {
	base uint64
	path string
	size int64
}

// listSegments returns the segment files of dir, oldest first. When clean
// is set (the writer), it removes temporary files a crash left and
// indexes whose segment is gone.
func listSegments(dir string, clean bool) ([]segFile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eventstore: %w", err)
	}
	var segs []segFile
	have := map[string]bool{}
	for _, e := range ents {
		name := e.Name()
		if base, ok := parseSegmentName(name); ok {
			fi, err := e.Info()
			if err != nil {
				continue // deleted by retention meanwhile
			}
			segs = append(segs, segFile{base: base, path: filepath.Join(dir, name), size: fi.Size()})
			have[strings.TrimSuffix(name, segmentExt)] = true
		}
	}
	for _, e := range ents {
		name := e.Name()
		orphan := strings.HasSuffix(name, indexExt) && !have[strings.TrimSuffix(name, indexExt)]
		if clean && (strings.HasSuffix(name, ".tmp") || orphan) {
			os.Remove(filepath.Join(dir, name))
		}
	}
	slices.SortFunc(segs, func(a, b segFile) int { return cmpUint(a.base, b.base) })
	return segs, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// recover opens the segments: the sealed ones by their index (rebuilt when
// missing or stale), the last by scanning it, cutting a torn tail.
func (l *Local) recover() error {
	segs, err := listSegments(l.dir, true)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		return l.startSegment(1)
	}
	for _, s := range segs[:len(segs)-1] {
		info, err := l.openSealed(s)
		if err != nil {
			return err
		}
		l.sealed = append(l.sealed, info)
	}
	if err := l.recoverActive(segs[len(segs)-1]); err != nil {
		return err
	}
	l.pos = l.act.base - 1
	if l.act.b.sum.count > 0 {
		l.pos = l.act.b.sum.last
	}
	if err := l.syncDir(); err != nil {
		return err
	}
	return l.syncActive()
}

// openSealed reads a sealed segment's index, or rebuilds it.
func (l *Local) openSealed(s segFile) (*segInfo, error) {
	idx := indexPath(s.path)
	info, err := readIndexInfo(idx)
	if err == nil && info.sum.bytes == s.size {
		return &segInfo{base: s.base, path: s.path, sum: info.sum, info: info}, nil
	}
	reason := "its size changed"
	if err != nil {
		reason = err.Error()
	}
	l.opts.Logger.Warn("eventstore: rebuilding a segment's index", "file", filepath.Base(s.path), "reason", reason)
	b, err := l.scanSegment(s)
	if err != nil {
		return nil, err
	}
	b.sum.sealed = l.opts.Now()
	if info, err = l.writeIndexFor(s.path, b); err != nil {
		return nil, err
	}
	return &segInfo{base: s.base, path: s.path, sum: b.sum, info: info}, nil
}

// scanSegment indexes a segment from its records, cutting what follows
// the last whole frame.
func (l *Local) scanSegment(s segFile) (*indexBuilder, error) {
	b := newIndexBuilder(l.opts.SegmentBytes, true)
	end, err := scanFile(s.path, s.size, false, func(seq uint64, data []byte, _ int64) error {
		b.add(seq, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if end < int64(len(segmentMagic)) {
		end = 0 // not even the magic survived: start the file again
	}
	if end < s.size {
		l.opts.Logger.Warn("eventstore: cut a torn tail left by a crash", "file", filepath.Base(s.path), "offset", end, "bytes", s.size-end)
		if err := os.Truncate(s.path, end); err != nil {
			return nil, fmt.Errorf("eventstore: cut the torn tail of %s: %w", filepath.Base(s.path), err)
		}
	}
	if end == 0 {
		if err := os.WriteFile(s.path, []byte(segmentMagic), 0o640); err != nil {
			return nil, fmt.Errorf("eventstore: rewrite %s: %w", filepath.Base(s.path), err)
		}
		end = int64(len(segmentMagic))
	}
	b.sum.bytes = end
	return b, nil
}

// recoverActive scans the last segment and opens it for appending.
func (l *Local) recoverActive(s segFile) error {
	b, err := l.scanSegment(s)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("eventstore: open %s for appending: %w", filepath.Base(s.path), err)
	}
	if fi, err := f.Stat(); err == nil {
		b.sum.written = fi.ModTime()
	}
	l.act = &active{base: s.base, path: s.path, f: f, size: b.sum.bytes, b: b}
	return nil
}
