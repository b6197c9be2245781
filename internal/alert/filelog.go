package alert

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
)

// The log is a sequence of frames [length uint32][CRC-32C uint32][payload],
// little-endian, the checksum covering the length and the payload (as in
// internal/wal). A payload is one commit record in JSON:
// {"pos":N,"alerts":[...],"incidents":[...]}, each alert and incident in
// its full latest state.
const (
	headerBytes = 8
	// maxRecordBytes bounds a frame's length, so that a damaged length is
	// caught rather than allocated.
	maxRecordBytes = 1 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// record is a commit record as read back, each item still encoded so that
// its size can be counted.
type record struct {
	Pos       uint64            `json:"pos"`
	Alerts    []json.RawMessage `json:"alerts"`
	Incidents []json.RawMessage `json:"incidents"`
}

// encodeRecord builds a commit record's payload from already encoded
// alerts and incidents.
func encodeRecord(pos uint64, alerts, incidents []json.RawMessage) []byte {
	n := 64
	for _, b := range alerts {
		n += len(b) + 1
	}
	for _, b := range incidents {
		n += len(b) + 1
	}
	p := make([]byte, 0, n)
	p = append(p, `{"pos":`...)
	p = strconv.AppendUint(p, pos, 10)
	p = appendList(append(p, `,"alerts":`...), alerts)
	p = appendList(append(p, `,"incidents":`...), incidents)
	return append(p, '}')
}

func appendList(p []byte, items []json.RawMessage) []byte {
	p = append(p, '[')
	for i, b := range items {
		if i > 0 {
			p = append(p, ',')
		}
		p = append(p, b...)
	}
	return append(p, ']')
}

// appendFrame appends payload framed with its length and checksum.
func appendFrame(b, payload []byte) []byte {
	var h [headerBytes]byte
	binary.LittleEndian.PutUint32(h[:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[4:], frameCRC(h[:4], payload))
	return append(append(b, h[:]...), payload...)
}

func frameCRC(length, payload []byte) uint32 {
	return crc32.Update(crc32.Checksum(length, castagnoli), castagnoli, payload)
}

// errBadFrame is a frame that is cut short or fails its checksum: a torn
// tail if nothing but zeros follows it, corruption otherwise.
var errBadFrame = errors.New("bad frame")

// scanLog reads the frames of f, size bytes long, from the start and hands
// each payload to fn. It returns the offset just past the last good frame
// and, if a bad frame follows it, errBadFrame.
func scanLog(f *os.File, size int64, fn func(off int64, payload []byte) error) (int64, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	var off int64
	var h [headerBytes]byte
	var payload []byte
	for {
		if _, err := io.ReadFull(r, h[:]); err != nil {
			if err == io.EOF {
				return off, nil
			}
			if err == io.ErrUnexpectedEOF {
				return off, errBadFrame
			}
			return off, err
		}
		n := binary.LittleEndian.Uint32(h[:4])
		if n > maxRecordBytes || off+headerBytes+int64(n) > size {
			return off, errBadFrame // checked before allocating for a damaged length
		}
		if cap(payload) < int(n) {
			payload = make([]byte, n)
		}
		payload = payload[:n]
		if _, err := io.ReadFull(r, payload); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return off, errBadFrame
			}
			return off, err
		}
		if frameCRC(h[:4], payload) != binary.LittleEndian.Uint32(h[4:]) {
			return off, errBadFrame
		}
		if err := fn(off, payload); err != nil {
			return off, err
		}
		off += headerBytes + int64(n)
	}
}

// isTornTail decides whether the bad frame at off ends the log: the file
// ends inside it, it is the last frame (its write never finished, so its
// checksum fails), or only zeros follow (space a crash left allocated but
// unwritten). Anything else is corruption, never cut: what follows may be
// acknowledged commits.
func isTornTail(f *os.File, off, size int64) (bool, error) {
	var h [headerBytes]byte
	if _, err := f.ReadAt(h[:], off); err != nil {
		return true, nil // the file ends inside the header
	}
	n := int64(binary.LittleEndian.Uint32(h[:4]))
	if off+headerBytes+n >= size {
		return true, nil
	}
	buf := make([]byte, 64<<10)
	for pos := off; ; {
		k, err := f.ReadAt(buf, pos)
		for _, c := range buf[:k] {
			if c != 0 {
				return false, nil
			}
		}
		pos += int64(k)
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("alert: read %s at byte offset %d: %w", f.Name(), pos, err)
		}
	}
}
