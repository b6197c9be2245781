package evtx

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// damageSample is a clean multi-chunk file from the attack samples.
func damageSample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(sharedtest.Path(t, "evtx-attack-samples", "Lateral Movement", "LM_5145_Remote_FileCopy.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readBytes reads every record of data and returns them with the stats.
func readBytes(t *testing.T, data []byte, name string) ([]uint64, Stats) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), name)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var ids []uint64
	var ev event.Event
	for {
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		ids = append(ids, ev.Record)
	}
	return ids, r.Stats()
}

// templateElement is the chunk offset of the first element of the template
// that the first record of a chunk defines inline: after the chunk header,
// the record header (24), the fragment header (4), the template instance
// (10), the definition header (24) and the definition's fragment header (4).
// The element starts with its token (1), dependency identifier (2), data
// size (4) and name offset (4).
const templateElement = chunkHeaderSize + 24 + 4 + 10 + 24 + 4

// chunkOffset is the file offset of chunk i.
func chunkOffset(i int) int { return fileHeaderSize + i*chunkSize }

// chunkRecordCount reads the record count that chunk i's header declares.
func chunkRecordCount(data []byte, i int) int {
	c := data[chunkOffset(i):]
	return int(binary.LittleEndian.Uint64(c[16:]) - binary.LittleEndian.Uint64(c[8:]) + 1)
}

// recordOffset returns the chunk-relative offset of record k of chunk i.
func recordOffset(data []byte, i, k int) int {
	c := data[chunkOffset(i):]
	p := chunkHeaderSize
	for range k {
		p += int(binary.LittleEndian.Uint32(c[p+4:]))
	}
	return p
}

// fixCRCs recomputes both checksums of every chunk, so that a test can
// damage what lies behind them.
func fixCRCs(data []byte) {
	for off := fileHeaderSize; off+chunkSize <= len(data); off += chunkSize {
		c := data[off : off+chunkSize]
		if !bytes.HasPrefix(c, chunkMagic) {
			continue
		}
		if free := binary.LittleEndian.Uint32(c[48:]); free >= chunkHeaderSize && free <= chunkSize {
			binary.LittleEndian.PutUint32(c[52:], crc32.ChecksumIEEE(c[chunkHeaderSize:free]))
		}
		binary.LittleEndian.PutUint32(c[124:], crc32.Update(crc32.ChecksumIEEE(c[:120]), crc32.IEEETable, c[128:chunkHeaderSize]))
	}
}

func TestDamage(t *testing.T) {
	clean := damageSample(t)
	all, st := readBytes(t, clean, "clean.evtx")
	if len(all) < 500 || st.Chunks < 5 || len(st.Problems) != 0 {
		t.Fatalf("clean sample: %d records in %d chunks, problems %v", len(all), st.Chunks, st.Problems)
	}
	c0, c1, c2 := chunkRecordCount(clean, 0), chunkRecordCount(clean, 1), chunkRecordCount(clean, 2)
	rec3 := recordOffset(clean, 0, 3)
	tests := []struct {
		name           string
		damage         func(b []byte) []byte
		records        int   // records that must still come out; -1: check records+skipped = all
		skippedChunks  int64 // exact
		skippedRecords int64 // exact; -1: at least one
		offset         int64 // file offset the first problem must name
		msg            string
	}{
		{
			name:    "truncated in the third chunk",
			damage:  func(b []byte) []byte { return b[:chunkOffset(2)+30000] },
			records: c0 + c1, skippedChunks: 1, offset: int64(chunkOffset(2)), msg: "truncated chunk",
		},
		{
			name:    "chunk signature overwritten",
			damage:  func(b []byte) []byte { copy(b[chunkOffset(1):], "XXXXXXXX"); return b },
			records: len(all) - c1, skippedChunks: 1, offset: int64(chunkOffset(1)), msg: "chunk signature",
		},
		{
			name:    "chunk header checksum broken",
			damage:  func(b []byte) []byte { b[chunkOffset(2)+60] ^= 0xff; return b },
			records: len(all) - c2, skippedChunks: 1, offset: int64(chunkOffset(2)), msg: "header checksum",
		},
		{
			name:    "byte flipped in the records of the first chunk",
			damage:  func(b []byte) []byte { b[chunkOffset(0)+rec3+40] ^= 0xff; return b },
			records: len(all) - c0, skippedChunks: 1, offset: int64(chunkOffset(0)), msg: "records checksum",
		},
		{
			name: "record with a bad size",
			damage: func(b []byte) []byte {
				binary.LittleEndian.PutUint32(b[chunkOffset(0)+rec3+4:], 0x3000)
				fixCRCs(b)
				return b
			},
			records: len(all) - 1, skippedRecords: 1, offset: int64(chunkOffset(0) + rec3), msg: "record size",
		},
		{
			name: "record signature overwritten",
			damage: func(b []byte) []byte {
				copy(b[chunkOffset(0)+rec3:], "\x00\x00\x00\x00")
				fixCRCs(b)
				return b
			},
			records: len(all) - 1, skippedRecords: 1, offset: int64(chunkOffset(0) + rec3), msg: "record signature",
		},
		{
			name: "garbage in a template definition",
			damage: func(b []byte) []byte {
				b[chunkOffset(0)+templateElement] = 0xee
				fixCRCs(b)
				return b
			},
			records: -1, skippedRecords: -1, offset: int64(chunkOffset(0) + templateElement), msg: "template definition",
		},
		{
			// Found by fuzzing: the problem named the bad target offset,
			// outside the file, instead of where the reference sits.
			name: "name offset outside the chunk",
			damage: func(b []byte) []byte {
				binary.LittleEndian.PutUint32(b[chunkOffset(0)+templateElement+7:], 0xfffffff0)
				fixCRCs(b)
				return b
			},
			records: -1, skippedRecords: -1, offset: int64(chunkOffset(0) + templateElement + 7), msg: "name offset",
		},
		{
			name:    "file header signature overwritten",
			damage:  func(b []byte) []byte { copy(b, "NotAFile"); return b },
			records: len(all), offset: 0, msg: "file header signature",
		},
		{
			name:    "file header checksum broken",
			damage:  func(b []byte) []byte { b[100] ^= 0xff; return b },
			records: len(all), offset: 124, msg: "file header checksum",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.damage(bytes.Clone(clean))
			got, st := readBytes(t, data, "damaged.evtx")
			switch {
			case tt.records >= 0 && len(got) != tt.records:
				t.Errorf("%d records came out, want %d", len(got), tt.records)
			case tt.records < 0 && int64(len(got))+st.SkippedRecords != int64(len(all)):
				t.Errorf("%d records and %d skipped, want %d in all", len(got), st.SkippedRecords, len(all))
			}
			if len(got) == 0 {
				t.Errorf("no records came out")
			}
			if st.SkippedChunks != tt.skippedChunks {
				t.Errorf("skipped %d chunks, want %d", st.SkippedChunks, tt.skippedChunks)
			}
			if (tt.skippedRecords >= 0 && st.SkippedRecords != tt.skippedRecords) || (tt.skippedRecords < 0 && st.SkippedRecords == 0) {
				t.Errorf("skipped %d records, want %d (-1: some)", st.SkippedRecords, tt.skippedRecords)
			}
			if len(st.Problems) == 0 {
				t.Fatalf("no problem reported")
			}
			var e *Error
			if !errors.As(st.Problems[0], &e) || e.File != "damaged.evtx" || e.Offset != tt.offset || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("first problem = %v, want damaged.evtx at offset %d saying %q", st.Problems[0], tt.offset, tt.msg)
			}
		})
	}
}

// TestNotEVTX checks that input that is not EVTX is refused with an error
// naming the file and offset 0.
func TestNotEVTX(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":      nil,
		"text":       []byte(strings.Repeat("not an event log\n", 1000)),
		"short text": []byte("ElfFil"),
	} {
		_, err := NewReader(bytes.NewReader(data), name+".evtx")
		var e *Error
		if !errors.As(err, &e) || e.File != name+".evtx" || e.Offset != 0 {
			t.Errorf("%s: error %v, want an *Error naming the file at offset 0", name, err)
		}
	}
}

// TestStream reads a file through gzip: the reader never seeks.
func TestStream(t *testing.T) {
	clean := damageSample(t)
	want, _ := readBytes(t, clean, "plain")
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	if _, err := w.Write(clean); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&gz)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(struct{ io.Reader }{zr}, "sample.evtx.gz")
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	n := 0
	for ; ; n++ {
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev.Record != want[n] || ev.Source != "sample.evtx.gz" {
			t.Fatalf("record %d: id %d source %q, want id %d", n, ev.Record, ev.Source, want[n])
		}
	}
	if n != len(want) {
		t.Errorf("read %d records through gzip, want %d", n, len(want))
	}
}

// failingReader returns its data, then an error.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReadError checks that an I/O error ends reading with an *Error that
// wraps it, returned again on later calls.
func TestReadError(t *testing.T) {
	clean := damageSample(t)
	boom := errors.New("disk on fire")
	r, err := NewReader(&failingReader{data: clean[:chunkOffset(1)], err: boom}, "failing.evtx")
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	n := 0
	for {
		err = r.Next(&ev)
		if err != nil {
			break
		}
		n++
	}
	if n != chunkRecordCount(clean, 0) || !errors.Is(err, boom) {
		t.Fatalf("read %d records then %v; want %d records then the read error", n, err, chunkRecordCount(clean, 0))
	}
	var e *Error
	if !errors.As(err, &e) || e.File != "failing.evtx" || e.Offset != int64(chunkOffset(1)) {
		t.Errorf("error %v does not name the file and offset %d", err, chunkOffset(1))
	}
	if again := r.Next(&ev); again != err {
		t.Errorf("second call returned %v, want the same error", again)
	}
}
