package fhir

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// plainRunNaive is plainRun one byte at a time: the reference.
func plainRunNaive(b []byte, j int) int {
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return j
		}
	}
	return j
}

// TestPlainRun puts every byte value at every position of the first two
// eight-byte words and after, from several starts, among plain bytes that
// sit next to the edges of the classes tested (0x1f/0x20, '"'/'#',
// '['/'\\'/']', 0x7f/0x80).
func TestPlainRun(t *testing.T) {
	for _, fill := range []byte{'a', ' ', '!', '#', '[', ']', 0x7f} {
		for c := 0; c < 256; c++ {
			for pos := 0; pos < 19; pos++ {
				b := bytes.Repeat([]byte{fill}, 21)
				b[pos] = byte(c)
				for start := 0; start <= 3; start++ {
					if got, want := plainRun(b, start), plainRunNaive(b, start); got != want {
						t.Fatalf("fill %q, byte %#x at %d, start %d: got %d, want %d", fill, c, pos, start, got, want)
					}
				}
			}
		}
	}
}

// FuzzPlainRun holds plainRun to the byte-at-a-time reference.
func FuzzPlainRun(f *testing.F) {
	for _, s := range []string{`"system":"http://hl7.org/fhir/restful-interaction"`, "a\\\"b\x01\xc3\xa9", `plain text of some length`} {
		f.Add([]byte(s), 0)
	}
	f.Fuzz(func(t *testing.T, b []byte, start int) {
		if start < 0 || start > len(b) {
			return
		}
		if got, want := plainRun(b, start), plainRunNaive(b, start); got != want {
			t.Fatalf("plainRun(%q, %d) = %d, want %d", b, start, got, want)
		}
	})
}
