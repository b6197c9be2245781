package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// listSegments returns the segments in dir in order, with their sizes,
// and removes temporary files a crash left behind.
func listSegments(dir string) ([]segment, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: list %s: %w", dir, err)
	}
	var segs []segment
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, tmpExt) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, fmt.Errorf("wal: remove leftover %s: %w", name, err)
			}
			continue
		}
		first, ok := parseSegmentName(name)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("wal: stat %s: %w", name, err)
		}
		segs = append(segs, segment{first: first, path: filepath.Join(dir, name), size: info.Size()})
	}
	slices.SortFunc(segs, func(a, b segment) int { return cmpUint(a.first, b.first) })
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

// tail is what recovery found in the last segment.
type tail struct {
	records uint64 // complete records
	end     int64  // offset just past the last complete record
	torn    int64  // bytes cut after end
}

// recoverSegment scans a segment, and cuts a torn tail off it if it has
// one. A bad frame is a torn tail when the file ends inside it, when it is
// the file's last frame (its write was cut short, so its checksum fails),
// or when only zero bytes follow (space a crash left allocated but
// unwritten). A bad frame with data after it is corruption, which is
// reported, never cut: the data after it may be acknowledged records.
func recoverSegment(seg segment, sync bool) (tail, error) {
	r, err := openSegReader(seg.path, nil)
	if err != nil {
		return tail{}, fmt.Errorf("wal: open %s: %w", seg.path, err)
	}
	defer r.close()
	var t tail
	for {
		_, err := r.next()
		if err == nil {
			t.records++
			continue
		}
		t.end = r.pos()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != errShort && !errors.Is(err, ErrCorrupt) {
			return t, err
		}
		torn, terr := isTornTail(r, seg.size, err)
		if terr != nil {
			return t, terr
		}
		if !torn {
			return t, err
		}
		t.torn = seg.size - t.end
		return t, truncate(seg.path, t.end, sync)
	}
}

// isTornTail decides whether the bad frame r stopped at ends the file.
func isTornTail(r *segReader, size int64, err error) (bool, error) {
	if err == errShort {
		return true, nil
	}
	off := r.pos()
	if r.w-r.r >= headerBytes {
		n := int64(binary.LittleEndian.Uint32(r.buf[r.r : r.r+4]))
		if n <= MaxRecordBytes && off+headerBytes+n == size {
			return true, nil
		}
	}
	return zeroFrom(r.f, off)
}

// zeroFrom reports whether every byte of f from off on is zero.
func zeroFrom(f *os.File, off int64) (bool, error) {
	buf := make([]byte, 64<<10)
	for {
		n, err := f.ReadAt(buf, off)
		if !allZero(buf[:n]) {
			return false, nil
		}
		off += int64(n)
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("wal: read %s at offset %d: %w", f.Name(), off, err)
		}
	}
}

func truncate(path string, size int64, sync bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("wal: open %s to cut its torn tail: %w", path, err)
	}
	err = f.Truncate(size)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("wal: cut torn tail of %s at offset %d: %w", path, size, err)
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
