package hl7

import "strings"

// UnescapeValue decodes the escape sequences in one subcomponent's text:
// \F\ \S\ \T\ \R\ \E\ become the delimiters, \P\ the truncation character,
// \Xhh..\ the bytes it spells in hex, and \.br\ a line feed. Other
// sequences (highlighting \H\ \N\, character sets \C..\ \M..\, local \Z..\,
// other formatting commands) and sequences with no closing escape character
// are kept literally, so that nothing a sender wrote is lost.
func (d Delimiters) UnescapeValue(v string) string {
	if strings.IndexByte(v, d.Escape) < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); {
		c := v[i]
		if c != d.Escape {
			b.WriteByte(c)
			i++
			continue
		}
		end := strings.IndexByte(v[i+1:], d.Escape)
		if end < 0 {
			b.WriteString(v[i:])
			break
		}
		seq := v[i+1 : i+1+end]
		if out, ok := d.decodeSequence(seq); ok {
			b.WriteString(out)
		} else {
			b.WriteString(v[i : i+end+2])
		}
		i += end + 2
	}
	return b.String()
}

// decodeSequence decodes the text between two escape characters; ok is
// false for sequences kept literally.
func (d Delimiters) decodeSequence(seq string) (string, bool) {
	switch seq {
	case "F":
		return string(d.Field), true
	case "S":
		return string(d.Component), true
	case "T":
		return string(d.Subcomponent), true
	case "R":
		return string(d.Repetition), true
	case "E":
		return string(d.Escape), true
	case "P":
		if d.Truncation != 0 {
			return string(d.Truncation), true
		}
		return "", false
	case ".br":
		return "\n", true
	}
	if len(seq) >= 3 && seq[0] == 'X' && len(seq)%2 == 1 {
		return decodeHex(seq[1:])
	}
	return "", false
}

func decodeHex(h string) (string, bool) {
	out := make([]byte, len(h)/2)
	for i := range out {
		hi, ok1 := hexValue(h[2*i])
		lo, ok2 := hexValue(h[2*i+1])
		if !ok1 || !ok2 {
			return "", false
		}
		out[i] = hi<<4 | lo
	}
	return string(out), true
}

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
