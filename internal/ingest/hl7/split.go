package hl7

import "bytes"

// Split cuts a file or stream holding several messages into one slice per
// message, each starting at an MSH segment at the start of a line. Text
// before the first MSH other than blank lines and a byte-order mark is
// returned as its own slice, so that Parse reports it rather than it being
// lost. The slices share data's memory.
func Split(data []byte) [][]byte {
	var out [][]byte
	start := skipBlank(string(data), 0)
	if start == len(data) {
		return nil
	}
	for pos := start; ; {
		next := nextHeader(data, pos+1)
		if next < 0 {
			return append(out, data[start:])
		}
		out = append(out, data[start:next])
		start, pos = next, next
	}
}

// nextHeader returns the offset of the next "MSH" that starts a line at or
// after from, or -1.
func nextHeader(data []byte, from int) int {
	for from < len(data) {
		i := bytes.Index(data[from:], []byte("MSH"))
		if i < 0 {
			return -1
		}
		at := from + i
		if at > 0 && isLineBreak(data[at-1]) {
			return at
		}
		from = at + 1
	}
	return -1
}
