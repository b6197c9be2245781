package wal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen feeds arbitrary bytes to Open as the only segment: it must
// never panic, and either recover a log that reads back cleanly and takes
// new records, or refuse with an error naming the file and offset.
func FuzzOpen(f *testing.F) {
	valid := appendFrame(appendFrame(appendFrame(nil, []byte("one")), []byte("")), []byte("three records"))
	f.Add(valid)
	f.Add(valid[:len(valid)-3])
	f.Add(append(append([]byte{}, valid...), 0, 0, 0, 0, 0, 0, 0, 0, 0))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, segmentName(1)), data, 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := Open(dir, Options{NoSync: true})
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.File != segmentName(1) || ce.Offset < 0 || ce.Offset >= int64(len(data)) {
				t.Fatalf("Open refused with %v; want a CorruptError naming the file and an offset inside it", err)
			}
			return
		}
		defer l.Close()
		s := l.Stats()
		if s.TornBytes < 0 || s.Bytes+s.TornBytes != int64(len(data)) {
			t.Fatalf("%d bytes: kept %d and cut %d", len(data), s.Bytes, s.TornBytes)
		}
		n := uint64(0)
		if err := l.Read(0, func(seq uint64, _ []byte) error { n++; return nil }); err != nil {
			t.Fatalf("Read after a successful Open: %v", err)
		}
		if n != s.Last {
			t.Fatalf("read %d records, Stats says the last is %d", n, s.Last)
		}
		if first, _, err := l.Append([]byte("new")); err != nil || first != n+1 {
			t.Fatalf("Append after recovery = %d, %v; want %d", first, err, n+1)
		}
	})
}
