package sigma

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseValueEscapes(t *testing.T) {
	tests := []struct {
		in     string
		expand bool
		want   string // the pattern rendered back: wildcards bare, plain specials escaped
	}{
		{`C:\Windows\System32`, false, `C:\\Windows\\System32`},
		{`C:\\Windows`, false, `C:\\Windows`},
		{`a*b?c`, false, `a*b?c`},
		{`a\*b\?c`, false, `a\*b\?c`},
		{`\\*`, false, `\\*`},
		{`\\\*`, false, `\\\*`},
		{`\\\\`, false, `\\\\`},
		{`\\\x`, false, `\\\\x`},
		{`trailing\`, false, `trailing\\`},
		{`**a**`, false, `*a*`},
		{`%name%`, false, `%name%`},
		{`%name%`, true, `%name%`},
		{`\%plain%name%`, true, `%plain%name%`},
		{`100%`, true, `100%`},
	}
	for _, tc := range tests {
		p := parseValue(tc.in, tc.expand)
		if got := p.String(); got != tc.want {
			t.Errorf("parseValue(%q, %v) = %s, want %s", tc.in, tc.expand, got, tc.want)
		}
	}
	if p := parseValue(`\%plain%name%`, true); len(p) != 2 || p[0].s != "%plain" || p[1].kind != tPlaceholder || p[1].s != "name" {
		t.Errorf("placeholder parse = %#v", p)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pat, v string
		want   bool
	}{
		{"a*b", "ab", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbc", false},
		{"*a*b*", "xxaxxbxx", true},
		{"*a*b*", "xxbxxaxx", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "aéc", true},
		{"*?", "", false},
		{"*?", "é", true},
		{"?*?", "a", false},
		{"?*?", "ab", true},
		{"*a?c*d", "zzabczzd", true},
		{"*a?c*d", "zzabczzdx", false},
		{"*ab*ab", "ab", false},
		{"*ab*ab", "abab", true},
		{"x*?*y", "xy", false},
		{"x*?*y", "xzy", true},
		{"*?b", "ab", true},
		{"*?b", "b", false},
		{"a*", "a", true},
		{"*", "", true},
		{"a*?", "a", false},
	}
	for _, tc := range tests {
		pred := newPred(parseValue(tc.pat, false))
		if got := pred.match(tc.v); got != tc.want {
			t.Errorf("%q matches %q = %v, want %v (kind %d)", tc.pat, tc.v, got, tc.want, pred.kind)
		}
	}
}

// TestGlobAgainstBacktracking compares the glob matcher with a plain
// backtracking matcher on random patterns and values.
func TestGlobAgainstBacktracking(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []string{"a", "b", "é", "*", "?"}
	for range 20000 {
		var pat, v strings.Builder
		for range rng.IntN(7) {
			pat.WriteString(alpha[rng.IntN(len(alpha))])
		}
		for range rng.IntN(8) {
			v.WriteString(alpha[rng.IntN(3)])
		}
		p := parseValue(pat.String(), false)
		want := backtrack([]rune(pat.String()), []rune(v.String()))
		pred := newPred(p)
		if got := pred.match(v.String()); got != want {
			t.Fatalf("%q matches %q = %v, want %v", pat.String(), v.String(), got, want)
		}
	}
}

func backtrack(p, v []rune) bool {
	if len(p) == 0 {
		return len(v) == 0
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(v); i++ {
			if backtrack(p[1:], v[i:]) {
				return true
			}
		}
		return false
	case '?':
		return len(v) > 0 && backtrack(p[1:], v[1:])
	}
	return len(v) > 0 && v[0] == p[0] && backtrack(p[1:], v[1:])
}

// TestBase64VariantsFindEveryOffset encodes text at every position in
// random surroundings: one of the three variants must occur in the result.
func TestBase64VariantsFindEveryOffset(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		s := randomBytes(rng, 2+rng.IntN(12)) // one byte is refused by the compiler
		vs := base64Variants(s)
		pre, post := randomBytes(rng, rng.IntN(7)), randomBytes(rng, rng.IntN(7))
		enc := base64.StdEncoding.EncodeToString([]byte(pre + s + post))
		found := false
		for _, v := range vs {
			found = found || strings.Contains(enc, v)
		}
		if !found {
			t.Fatalf("variants %q of %q not found in %q (prefix %d bytes)", vs, s, enc, len(pre))
		}
	}
	if got := base64Variants("IEX"); len(got) != 3 || got[0] != "SUVY" {
		t.Errorf("base64Variants(IEX) = %q", got)
	}
}

func randomBytes(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return string(b)
}

func TestWindash(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{" -a ", 5},
		{"/c", 5},
		{" -s -i ", 25},
		{"a-b", 1},
		{"-", 1},
		{"x /y", 5},
		{"--x", 5}, // only the dash before the word character
	}
	for _, tc := range tests {
		vs, ok := windash(parseValue(tc.in, false))
		if !ok || len(vs) != tc.want {
			t.Errorf("windash(%q) gives %d variants, want %d", tc.in, len(vs), tc.want)
		}
	}
	vs, _ := windash(parseValue(" -a ", false))
	var got []string
	for _, v := range vs {
		got = append(got, v.text())
	}
	if want := " -a | /a | –a | —a | ―a "; strings.Join(got, "|") != want {
		t.Errorf("windash variants = %q, want %q", strings.Join(got, "|"), want)
	}
	if _, ok := windash(parseValue(strings.Repeat(" -a", 10), false)); ok {
		t.Errorf("windash of 10 flags should exceed the variant limit")
	}
}

func TestTimePart(t *testing.T) {
	tests := []struct {
		v, part string
		want    float64
		ok      bool
	}{
		{"2024-05-01T10:20:30Z", "year", 2024, true},
		{"2024-05-01T10:20:30Z", "month", 5, true},
		{"2024-05-01T10:20:30Z", "day", 1, true},
		{"2024-05-01T10:20:30Z", "hour", 10, true},
		{"2024-05-01T10:20:30Z", "minute", 20, true},
		{"2024-05-01T10:20:30Z", "week", 18, true},
		{"2024-05-01 10:20:30.123", "hour", 10, true},
		{"2021-01-03", "week", 53, true},
		{"2024-05-01", "hour", 0, false},
		{"2024-13-01", "year", 0, false},
		{"yesterday", "day", 0, false},
	}
	for _, tc := range tests {
		got, ok := timePart(tc.v, tc.part)
		if got != tc.want || ok != tc.ok {
			t.Errorf("timePart(%q, %s) = %v, %v; want %v, %v", tc.v, tc.part, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"42", 42, true}, {"-1.5", -1.5, true}, {"0x10", 16, true}, {"0XfF", 255, true},
		{" 7 ", 7, true}, {"1e3", 1000, true}, {"", 0, false}, {"abc", 0, false},
		{"1.2.3", 0, false}, {"0x", 0, false}, {"0xg", 0, false}, {".5", 0.5, true}, {"e5", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseNumber(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
