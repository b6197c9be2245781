package ahocorasick

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// hit is one reported occurrence.
type hit struct{ pattern, end int }

// scanAll collects every occurrence Scan reports, sorted.
func scanAll(a *Automaton, text string) []hit {
	var got []hit
	a.Scan(text, func(p, end int) { got = append(got, hit{p, end}) })
	slices.SortFunc(got, compareHits)
	return got
}

// naive is the oracle: every end offset of every pattern, by brute force
// over the ASCII-folded text.
func naive(patterns []string, text string) []hit {
	ft := foldString(text)
	var want []hit
	for i, p := range patterns {
		fp := foldString(p)
		if fp == "" {
			want = append(want, hit{i, 0})
			continue
		}
		for end := len(fp); end <= len(ft); end++ {
			if ft[end-len(fp):end] == fp {
				want = append(want, hit{i, end})
			}
		}
	}
	slices.SortFunc(want, compareHits)
	return want
}

func compareHits(x, y hit) int {
	if x.end != y.end {
		return x.end - y.end
	}
	return x.pattern - y.pattern
}

func foldString(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = fold(b[i])
	}
	return string(b)
}

// check compares the automaton with the oracle under several dense budgets,
// from root-only (everything else sparse) to fully dense.
func check(t *testing.T, patterns []string, text string) {
	t.Helper()
	want := naive(patterns, text)
	for _, budget := range []int{1, 64, 4096, 0, 1 << 30} {
		a := New(patterns, Options{DenseBytes: budget})
		got := scanAll(a, text)
		if !slices.Equal(got, want) {
			t.Fatalf("budget %d, patterns %q, text %q:\n got %v\nwant %v", budget, patterns, text, got, want)
		}
		var ascii []hit
		done := a.ScanASCII(text, func(p, end int) { ascii = append(ascii, hit{p, end}) })
		slices.SortFunc(ascii, compareHits)
		if done != isASCII(text) || done && !slices.Equal(ascii, want) {
			t.Fatalf("budget %d, patterns %q, text %q: ScanASCII = %v, %v; want %v", budget, patterns, text, done, ascii, want)
		}
		checkPair(t, a, patterns, text, want)
		if c := a.Contains(text); c != (len(want) > 0) {
			t.Fatalf("budget %d, patterns %q, text %q: Contains = %v, want %v", budget, patterns, text, c, len(want) > 0)
		}
	}
}

func TestScanTable(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		text     string
	}{
		{"classic", []string{"he", "she", "his", "hers"}, "ushers"},
		{"case folded", []string{"CMD.exe", "powershell"}, `C:\Windows\System32\cmd.EXE /c PowerShell -enc`},
		{"overlapping", []string{"aa", "aaa", "a"}, "aaaa"},
		{"duplicates", []string{"abc", "ABC", "abc"}, "xxabcxx"},
		{"empty pattern", []string{"", "x"}, "xyz"},
		{"empty text", []string{"a", ""}, ""},
		{"no patterns", nil, "anything"},
		{"suffix chains", []string{"b", "ab", "cab", "dcab"}, "dcabcab"},
		{"non-ascii", []string{"é", "\xff\x00", "ä"}, "café \xff\x00 Ä"},
		{"failure to deep state", []string{"abcd", "bcx", "cxy"}, "abcxyabcd"},
		{"all bytes", []string{string([]byte{0, 255, 128}), "\x7f"}, "\x00\xff\x80\x7f"},
		{"no match", []string{"needle"}, "haystack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.patterns, tt.text) })
	}
}

func TestScanRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 300; round++ {
		alphabet := "abcAB.\\x"[:2+r.IntN(7)]
		patterns := make([]string, r.IntN(40))
		for i := range patterns {
			patterns[i] = randString(r, alphabet, r.IntN(7))
		}
		check(t, patterns, randString(r, alphabet, r.IntN(200)))
	}
}

func randString(r *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func TestClassesFoldASCIIOnly(t *testing.T) {
	a := New([]string{"k"}, Options{})
	if !a.Contains("K") {
		t.Fatal("K does not match pattern k")
	}
	if a.Contains("\u212a") { // Kelvin sign: folding it is the caller's job
		t.Fatal("Kelvin sign matched pattern k at byte level")
	}
	if st := a.Stats(); st.Classes != 2 {
		t.Fatalf("classes = %d, want 2 (k and the rest)", st.Classes)
	}
}

// TestLargeMemoryBounded builds the automaton for 50,000 realistic
// patterns and checks that memory stays within a few tens of bytes per
// state, and that results still agree with the oracle.
func TestLargeMemoryBounded(t *testing.T) {
	patterns := pathPatterns(50000)
	a := New(patterns, Options{})
	st := a.Stats()
	t.Logf("%+v (%.1f bytes/state, %.1f MiB)", st, float64(st.MemoryBytes)/float64(st.States), float64(st.MemoryBytes)/(1<<20))
	perState := float64(st.MemoryBytes-DefaultDenseBytes) / float64(st.States-st.DenseStates)
	if perState > 32 || st.MemoryBytes > 64<<20 {
		t.Fatalf("memory %d bytes for %d states (%.1f bytes per sparse state)", st.MemoryBytes, st.States, perState)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		text := patterns[r.IntN(len(patterns))] + " " + randString(r, "abcdefghijklmnop\\.-", 100) + patterns[r.IntN(len(patterns))]
		want := naive(patterns, text)
		if got := scanAll(a, text); !slices.Equal(got, want) {
			t.Fatalf("text %q: got %v, want %v", text, got, want)
		}
	}
}

// pathPatterns makes n distinct patterns shaped like Sigma literals: paths,
// executable names and command-line flags.
func pathPatterns(n int) []string {
	r := rand.New(rand.NewPCG(5, 6))
	dirs := []string{`\windows\system32\`, `\programdata\`, `\users\public\`, `\appdata\local\temp\`, `\program files\`}
	exts := []string{".exe", ".dll", ".ps1", ".bat", ".vbs"}
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		var p string
		name := randString(r, "abcdefghijklmnopqrstuvwxyz0123456789_-", 4+r.IntN(12))
		switch r.IntN(3) {
		case 0:
			p = dirs[r.IntN(len(dirs))] + name + exts[r.IntN(len(exts))]
		case 1:
			p = `\` + name + exts[r.IntN(len(exts))]
		default:
			p = fmt.Sprintf(" -%s ", name)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkPair runs ScanPairASCII with a and a second automaton over the
// reversed patterns, and compares both sides with the oracle.
func checkPair(t *testing.T, a *Automaton, patterns []string, text string, want []hit) {
	t.Helper()
	rev := make([]string, len(patterns))
	for i, p := range patterns {
		rev[i] = reverse(p)
	}
	b := New(rev, Options{DenseBytes: 64})
	var gotA, gotB []hit
	done := ScanPairASCII(a, b, text,
		func(p, end int) { gotA = append(gotA, hit{p, end}) },
		func(p, end int) { gotB = append(gotB, hit{p, end}) })
	if done != isASCII(text) {
		t.Fatalf("ScanPairASCII(%q) = %v", text, done)
	}
	if !done {
		return
	}
	slices.SortFunc(gotA, compareHits)
	slices.SortFunc(gotB, compareHits)
	if wantB := naive(rev, text); !slices.Equal(gotA, want) || !slices.Equal(gotB, wantB) {
		t.Fatalf("ScanPairASCII, patterns %q, text %q:\n got %v and %v\nwant %v and %v", patterns, text, gotA, gotB, want, wantB)
	}
}

func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}
