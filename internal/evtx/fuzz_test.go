package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/vigilhealth/vigil/internal/event"
)

// FuzzReader feeds arbitrary bytes to the reader: it must not panic or loop,
// every problem must be an *Error naming the file and an offset inside the
// input, and every value must be valid UTF-8.
//
// With raw set the input is the whole file. Otherwise it is the start of a
// chunk: the harness puts a valid file header before it, pads it to whole
// chunks and recomputes the checksums, so that small inputs (quick to mutate
// and to minimise) reach the record and BinXML decoding instead of stopping
// at a checksum.
//
// The seeds are the first records of some of the shared attack samples, read
// at test time.
func FuzzReader(f *testing.F) {
	for i, path := range attackSamples(f) {
		if i%30 != 0 {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) < fileHeaderSize+chunkSize {
			continue
		}
		chunk := data[fileHeaderSize : fileHeaderSize+chunkSize]
		end := firstRecordsEnd(chunk, 4)
		f.Add(bytes.Clone(chunk[:end]), false)
		f.Add(bytes.Clone(data[:fileHeaderSize+end]), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, raw bool) {
		if !raw {
			data = fuzzFile(data)
		}
		const name = "fuzz.evtx"
		r, err := NewReader(bytes.NewReader(data), name)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != name || e.Offset != 0 {
				t.Fatalf("NewReader error %v does not name the file and offset 0", err)
			}
			return
		}
		var ev event.Event
		limit := len(data)/minRecordSize + 1
		for n := 0; ; n++ {
			err := r.Next(&ev)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if n > limit {
				t.Fatalf("more than %d records from %d bytes", limit, len(data))
			}
			for i := range ev.Len() {
				if id, v := ev.Field(i); !utf8.ValidString(v) {
					t.Fatalf("field %s: invalid UTF-8 %q", id, v)
				}
			}
		}
		st := r.Stats()
		if st.Records+st.SkippedRecords > int64(limit) {
			t.Fatalf("stats %+v exceed what %d bytes can hold", st, len(data))
		}
		for _, p := range st.Problems {
			var e *Error
			if !errors.As(p, &e) || e.File != name || e.Offset < 0 || e.Offset > int64(len(data)) || e.Msg == "" {
				t.Fatalf("problem %v does not name the file and an offset within the input", p)
			}
		}
	})
}

// fuzzFile wraps chunk data in an EVTX file with a valid header, padded to
// whole chunks with valid checksums.
func fuzzFile(chunks []byte) []byte {
	n := max(1, (len(chunks)+chunkSize-1)/chunkSize)
	data := make([]byte, fileHeaderSize+n*chunkSize)
	copy(data, fileMagic)
	le := binary.LittleEndian
	le.PutUint64(data[16:], uint64(n-1)) // last chunk number
	le.PutUint32(data[32:], 128)         // header size
	le.PutUint16(data[36:], 1)           // version 3.1
	le.PutUint16(data[38:], 3)
	le.PutUint16(data[40:], fileHeaderSize)
	le.PutUint16(data[42:], uint16(n))
	le.PutUint32(data[124:], crc32.ChecksumIEEE(data[:120]))
	copy(data[fileHeaderSize:], chunks)
	fixCRCs(data)
	return data
}

// firstRecordsEnd returns the chunk offset after the first n records (or
// after as many as the chunk holds).
func firstRecordsEnd(chunk []byte, n int) int {
	p := chunkHeaderSize
	for ; n > 0 && p+minRecordSize <= len(chunk) && bytes.HasPrefix(chunk[p:], recordMagic); n-- {
		size := int(binary.LittleEndian.Uint32(chunk[p+4:]))
		if size < minRecordSize || size > len(chunk)-p {
			break
		}
		p += size
	}
	return p
}
