package sigma

import (
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxVariants bounds how many alternatives one written value may expand
// into (windash permutations, placeholder values), so that a rule cannot
// make compilation explode.
const maxVariants = 4096

// dashes are the characters the windash modifier treats as interchangeable:
// hyphen, slash, en dash, em dash and horizontal bar.
var dashes = []string{"-", "/", "\u2013", "\u2014", "\u2015"}

// dashAt is one dash that windash varies: piece i of the pattern, bytes
// [off, off+n) of its text.
type dashAt struct{ i, off, n int }

// windash returns every variant of p with each command-line flag dash
// replaced by each of the dashes. A dash counts as a flag dash when it does
// not follow a word character and is followed by one (" -f", "/c"), the
// same positions other Sigma tools vary, so that "a-b" stays as written.
func windash(p pattern) ([]pattern, bool) {
	var at []dashAt
	for i, t := range p {
		if t.kind != tLit {
			continue
		}
		for off := 0; off < len(t.s); {
			r, n := utf8.DecodeRuneInString(t.s[off:])
			if isDash(r) && !isWord(runeBefore(p, i, off)) && isWord(runeAfter(p, i, off+n)) {
				at = append(at, dashAt{i, off, n})
			}
			off += n
		}
	}
	total := 1
	for range at {
		total *= len(dashes)
		if total > maxVariants {
			return nil, false
		}
	}
	out := make([]pattern, 0, total)
	choice := make([]int, len(at))
	for {
		out = append(out, applyDashes(p, at, choice))
		k := 0
		for ; k < len(choice); k++ {
			if choice[k]++; choice[k] < len(dashes) {
				break
			}
			choice[k] = 0
		}
		if k == len(choice) {
			return out, true
		}
	}
}

func applyDashes(p pattern, at []dashAt, choice []int) pattern {
	out := make(pattern, len(p))
	copy(out, p)
	for i := range out {
		if out[i].kind != tLit {
			continue
		}
		var b strings.Builder
		last := 0
		for k, d := range at {
			if d.i != i {
				continue
			}
			b.WriteString(p[i].s[last:d.off])
			b.WriteString(dashes[choice[k]])
			last = d.off + d.n
		}
		if last > 0 {
			b.WriteString(p[i].s[last:])
			out[i].s = b.String()
		}
	}
	return out
}

func isDash(r rune) bool {
	return r == '-' || r == '/' || r == '\u2013' || r == '\u2014' || r == '\u2015'
}

// isWord is a regular-expression word character; -1 (no character, or a
// wildcard) is not one.
func isWord(r rune) bool {
	return r == '_' || r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// runeBefore returns the character before byte off of piece i, looking into
// the previous piece when off is 0; -1 at the start or after a wildcard.
func runeBefore(p pattern, i, off int) rune {
	if off > 0 {
		r, _ := utf8.DecodeLastRuneInString(p[i].s[:off])
		return r
	}
	if i > 0 && p[i-1].kind == tLit {
		r, _ := utf8.DecodeLastRuneInString(p[i-1].s)
		return r
	}
	return -1
}

// runeAfter returns the character at byte off of piece i, looking into the
// next piece at its end; -1 at the end or before a wildcard.
func runeAfter(p pattern, i, off int) rune {
	if off < len(p[i].s) {
		r, _ := utf8.DecodeRuneInString(p[i].s[off:])
		return r
	}
	if i+1 < len(p) && p[i+1].kind == tLit {
		r, _ := utf8.DecodeRuneInString(p[i+1].s)
		return r
	}
	return -1
}

// base64Variants are the three encodings of s at byte offsets 0, 1 and 2
// of a longer base64-encoded text, cut to the characters that depend only
// on s: an offset of 1 leaves 2 leading characters that mix in the
// preceding byte, an offset of 2 leaves 3; at the end, 1 or 2 trailing
// bytes leave a last character mixed with what follows, plus padding.
// Empty variants (values too short to leave a stable part) are dropped.
func base64Variants(s string) []string {
	lead := [3]int{0, 2, 3}
	var out []string
	for shift := 0; shift < 3; shift++ {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", shift) + s))
		cut := 0
		switch (len(s) + shift) % 3 {
		case 1:
			cut = 3
		case 2:
			cut = 2
		}
		if lead[shift] >= len(enc)-cut {
			continue
		}
		v := enc[lead[shift] : len(enc)-cut]
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// utf16Bytes encodes s as UTF-16, little- or big-endian.
func utf16Bytes(s string, bigEndian bool) string {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}

// encodeUTF16 encodes the text of p as UTF-16, keeping its wildcards; with
// bom it puts the little-endian byte order mark before the first text.
func encodeUTF16(p pattern, bigEndian, bom bool) pattern {
	out := make(pattern, 0, len(p)+1)
	for _, t := range p {
		if t.kind == tLit {
			t.s = utf16Bytes(t.s, bigEndian)
			if bom {
				t.s = "\xff\xfe" + t.s
				bom = false
			}
		}
		out = append(out, t)
	}
	return out.normal()
}
