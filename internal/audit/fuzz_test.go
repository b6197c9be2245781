package audit

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// realLines returns the lines of a real log of n entries.
func realLines(f *testing.F, n int) [][]byte {
	dir := f.TempDir()
	l, err := Open(dir, Options{Now: fixedNow})
	if err != nil {
		f.Fatal(err)
	}
	for i := range n {
		if _, err := l.Append(sample(i)); err != nil {
			f.Fatal(err)
		}
	}
	l.Close()
	data, _ := os.ReadFile(filepath.Join(dir, fileName(1)))
	return bytes.SplitAfter(data, []byte("\n"))
}

// FuzzDecodeLine: no line makes the decoder panic, and a line it accepts
// encodes back to itself.
func FuzzDecodeLine(f *testing.F) {
	for _, l := range realLines(f, 2) {
		f.Add(bytes.TrimSuffix(l, []byte("\n")))
	}
	f.Add([]byte(`{"seq":1}`))
	f.Add([]byte(`{"seq":-1,"time":"x"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := decodeLine(line)
		if err != nil {
			return
		}
		if err := (sealer{}).check(e, line); err == nil {
			again, err := sealer{}.encode(&e)
			if err != nil || !bytes.Equal(again, append(bytes.Clone(line), '\n')) {
				t.Fatalf("accepted line %q encodes to %q (%v)", line, again, err)
			}
		}
	})
}

// FuzzVerify: any file contents give a count or a ChainError, never a
// panic, and never more entries than lines.
func FuzzVerify(f *testing.F) {
	f.Add(bytes.Join(realLines(f, 3), nil))
	f.Add([]byte("{}\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := verifier{}
		err := v.read(bufio.NewReader(bytes.NewReader(data)), fileName(1), true)
		if v.checked > bytes.Count(data, []byte("\n")) {
			t.Fatalf("%d entries checked in %d lines (err %v)", v.checked, bytes.Count(data, []byte("\n")), err)
		}
	})
}
