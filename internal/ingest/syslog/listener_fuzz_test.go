package syslog

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzFramer reads random streams: the framer never panics, ends, and
// returns messages within the limit with only the framing errors; and
// messages framed by octet counting come back exactly.
func FuzzFramer(f *testing.F) {
	f.Add([]byte("5 <1>ab\n<2>line\r\n12 <3>x"))
	f.Add([]byte("123 hello\n\n\r\n99999999 <"))
	f.Add([]byte("<1>a\xff<2>b\nc\xff\xff<3>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 64
		fr := newFramer(bytes.NewReader(data), limit)
		for i := 0; ; i++ {
			msg, err := fr.next()
			if err == io.EOF {
				break
			}
			if err != nil && !errors.Is(err, ErrOversize) && !errors.Is(err, ErrShortFrame) {
				t.Fatalf("message %d: unexpected error %v", i, err)
			}
			if len(msg) > limit || i > len(data) {
				t.Fatalf("message %d of %d bytes; %d messages from %d bytes", i, len(msg), i, len(data))
			}
		}
		// Round trip: pieces of data, each made a PRI-led message.
		var stream strings.Builder
		var want []string
		for p := range bytes.SplitSeq(data, []byte{0xff}) {
			msg := "<" + string(p)
			stream.WriteString(octetFrame(msg))
			want = append(want, msg)
		}
		fr = newFramer(strings.NewReader(stream.String()), 1<<20)
		for i, w := range want {
			msg, err := fr.next()
			if err != nil || string(msg) != w {
				t.Fatalf("frame %d = %q, %v; want %q", i, msg, err, w)
			}
		}
		if _, err := fr.next(); err != io.EOF {
			t.Fatalf("after the frames: %v, want EOF", err)
		}
	})
}
