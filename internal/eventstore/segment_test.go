package eventstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

// segmentBytes returns a segment file holding n small events.
func segmentBytes(n int) []byte {
	b := []byte(segmentMagic)
	var ev event.Event
	for i := range n {
		ev.Reset()
		ev.Set("EventID", "4624")
		ev.Set("Message", strings.Repeat("m", i))
		b = appendFrame(b, uint64(i+1), ev.AppendBinary(nil))
	}
	return b
}

func TestScanDamage(t *testing.T) {
	good := segmentBytes(5)
	flip := func(off int) []byte {
		b := append([]byte(nil), good...)
		b[off] ^= 0xff
		return b
	}
	tests := []struct {
		name      string
		data      []byte
		records   int   // whole records before the damage
		corruptAt int64 // sealed: CorruptError at this offset; -1: none
	}{
		{"whole", good, 5, -1},
		{"torn header", good[:len(good)-3-25], 4, 0},
		{"torn record", good[:len(good)-3], 4, 0},
		{"bad checksum in the middle", flip(8 + 16 + 2), 0, 8},
		{"bad magic", flip(0), 0, 0},
		{"empty", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), segmentName(1))
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			n := 0
			count := func(uint64, []byte, int64) error { n++; return nil }
			if _, err := scanFile(path, -1, false, count); err != nil || n != tt.records {
				t.Fatalf("active: %d records, %v; want %d and no error", n, err, tt.records)
			}
			_, err := scanFile(path, -1, true, func(uint64, []byte, int64) error { return nil })
			var ce *CorruptError
			switch {
			case tt.corruptAt < 0 && err != nil:
				t.Fatalf("sealed: %v", err)
			case tt.corruptAt >= 0 && !errors.As(err, &ce):
				t.Fatalf("sealed: %v, want a CorruptError", err)
			case tt.corruptAt > 0 && ce.Offset != tt.corruptAt:
				t.Fatalf("sealed: %v, want it at offset %d", err, tt.corruptAt)
			}
		})
	}
}

func FuzzSegmentScan(f *testing.F) {
	good := segmentBytes(4)
	f.Add(good)
	f.Add(good[:len(good)-7])
	f.Add([]byte(segmentMagic + "\xff\xff\xff\xff"))
	buf := make([]byte, scanBuffer)
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := newScanner(bytes.NewReader(data), segmentName(1), int64(len(data)), buf)
		end, err := sc.each(true, func(_ uint64, rec []byte, _ int64) error {
			_, _ = event.ScanBinary(rec, nil)
			return nil
		})
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), segmentName(1)) || !strings.Contains(err.Error(), "offset") {
				t.Fatalf("error %v names neither file nor offset", err)
			}
			return
		}
		if end != int64(len(data)) {
			t.Fatalf("a sealed scan ended at %d of %d bytes without an error", end, len(data))
		}
	})
}

func FuzzIndexHeader(f *testing.F) {
	b := newIndexBuilder(1<<16, true)
	var ev event.Event
	ev.Set("EventID", "1")
	b.add(1, ev.AppendBinary(nil))
	f.Add(encodeIndex(b.sum, b.f))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := decodeIndexInfo("x.idx", bytes.NewReader(data))
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), "x.idx at byte offset") {
				t.Fatalf("error %v is not a CorruptError naming file and offset", err)
			}
			return
		}
		if info.fileBytes() < info.filterOff {
			t.Fatalf("index of %d bytes ends before its filters at %d", info.fileBytes(), info.filterOff)
		}
	})
}
