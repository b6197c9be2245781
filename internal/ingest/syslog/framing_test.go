package syslog

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// frame is one expected result of framer.next.
type frame struct {
	msg string
	err error // nil, ErrOversize or ErrShortFrame
}

func TestFramer(t *testing.T) {
	long := strings.Repeat("x", 9000)
	tests := []struct {
		name string
		in   string
		max  int
		want []frame
	}{
		{"newline", "<1>a\n<2>b\r\n<3>c", 64, []frame{{"<1>a", nil}, {"<2>b", nil}, {"<3>c", nil}}},
		{"octet counting", "5 <1>ab6 <2>cd\n", 64, []frame{{"<1>ab", nil}, {"<2>cd\n", nil}}},
		{"mixed per message", "5 <1>ab\n<2>line\n6 <3>x\ny\n", 64, []frame{{"<1>ab", nil}, {"<2>line", nil}, {"<3>x\ny", nil}}},
		{"digits then text is a line", "123 hello\n42\n", 64, []frame{{"123 hello", nil}, {"42", nil}}},
		{"leading zero is a line", "05 <1>ab\n", 64, []frame{{"05 <1>ab", nil}}},
		{"ten digits is a line", "1234567890 <1>x\n", 64, []frame{{"1234567890 <1>x", nil}}},
		{"blank lines between", "\n\r\n<1>a\n\n\n<2>b\n", 64, []frame{{"<1>a", nil}, {"<2>b", nil}}},
		{"oversized line", "0123456789abc\n<1>ok\n", 8, []frame{{"01234567", ErrOversize}, {"<1>ok", nil}}},
		{"line of exactly max with CRLF", "01234567\r\n<1>ok\n", 8, []frame{{"01234567", nil}, {"<1>ok", nil}}},
		{"oversized frame", "12 <1>abcdefghi<2>n\n", 5, []frame{{"<1>ab", ErrOversize}, {"<2>n", nil}}},
		{"short frame", "10 <1>ab", 64, []frame{{"<1>ab", ErrShortFrame}}},
		{"short oversized frame", "100 <1>abcdef", 5, []frame{{"<1>ab", ErrShortFrame}}},
		{"long line across reads", long + "\n<1>ok\n", 10000, []frame{{long, nil}, {"<1>ok", nil}}},
		{"long oversized line", long + long + "\n<1>ok\n", 10000, []frame{{(long + long)[:10000], ErrOversize}, {"<1>ok", nil}}},
		{"frame larger than the buffer", fmt.Sprintf("%d <1>%s", 70003, strings.Repeat("y", 70000)), 100000, []frame{{"<1>" + strings.Repeat("y", 70000), nil}}},
		{"last line without line feed", "<1>a\n<2>b", 64, []frame{{"<1>a", nil}, {"<2>b", nil}}},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/onebyte=%v", tt.name, oneByte), func(t *testing.T) {
				var r io.Reader = strings.NewReader(tt.in)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				f := newFramer(r, tt.max)
				for i, w := range tt.want {
					msg, err := f.next()
					if string(msg) != w.msg || !errors.Is(err, w.err) || (w.err == nil && err != nil) {
						t.Fatalf("message %d = %.40q, %v; want %.40q, %v", i, msg, err, w.msg, w.err)
					}
				}
				if msg, err := f.next(); err != io.EOF {
					t.Fatalf("after the last message: %.40q, %v; want EOF", msg, err)
				}
			})
		}
	}
}

// TestFramerNoWaitOnShortLine checks that a short newline-framed message
// that starts with a digit is returned without waiting for more bytes.
func TestFramerNoWaitOnShortLine(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	f := newFramer(pr, 64)
	go pw.Write([]byte("7\n"))
	msg, err := f.next()
	if err != nil || string(msg) != "7" {
		t.Fatalf("next = %q, %v; want \"7\"", msg, err)
	}
}
