package ahocorasick

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzAhoCorasick compares Scan with the brute-force oracle on random
// patterns (the pattern bytes split at each 0x00) and texts, under a dense
// budget chosen by the input so that both row kinds are exercised.
func FuzzAhoCorasick(f *testing.F) {
	f.Add([]byte("he\x00she\x00his\x00hers"), "ushers", uint16(0))
	f.Add([]byte("aa\x00aaa\x00a"), "AAAA", uint16(1))
	f.Add([]byte("\x00x\x00\xff"), "x\xffx", uint16(300))
	f.Add([]byte(`\cmd.exe`+"\x00"+`powershell`), `C:\Windows\CMD.EXE`, uint16(64))
	f.Fuzz(func(t *testing.T, pats []byte, text string, budget uint16) {
		if len(pats) > 4096 || len(text) > 4096 {
			return
		}
		var patterns []string
		if len(pats) > 0 {
			for _, p := range bytes.Split(pats, []byte{0}) {
				patterns = append(patterns, string(p))
			}
		}
		a := New(patterns, Options{DenseBytes: int(budget)})
		want := naive(patterns, text)
		if got := scanAll(a, text); !slices.Equal(got, want) {
			t.Fatalf("patterns %q, text %q, budget %d:\n got %v\nwant %v", patterns, text, budget, got, want)
		}
		checkPair(t, a, patterns, text, want)
		if a.Contains(text) != (len(want) > 0) {
			t.Fatalf("patterns %q, text %q: Contains = %v", patterns, text, !(len(want) > 0))
		}
	})
}
