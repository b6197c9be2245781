package hl7

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// step is what one call to Next should give: a message, or an error whose
// text contains err (for a *FrameError, at offset).
type step struct {
	msg    string
	err    string
	offset int64
}

func TestMLLPReader(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		steps []step
	}{
		{"two frames", "\x0bA\r\x1c\r\x0bB\x1c\r", 0, []step{{msg: "A\r"}, {msg: "B"}, {err: "EOF"}}},
		{"newlines between frames", "\r\n\x0bA\x1c\r\n\n\x0bB\x1c\r\n", 0, []step{{msg: "A"}, {msg: "B"}, {err: "EOF"}}},
		{"no CR after end block", "\x0bA\x1c\x0bB\x1c", 0, []step{{msg: "A"}, {msg: "B"}, {err: "EOF"}}},
		{"junk before frame", "xyz\x0bA\x1c\r", 0, []step{{err: "3 bytes outside any frame", offset: 0}, {msg: "A"}, {err: "EOF"}}},
		{"junk at end", "\x0bA\x1c\rtail", 0, []step{{msg: "A"}, {err: "outside any frame", offset: 4}}},
		{"missing end block", "\x0bA\x0bB\x1c\r", 0, []step{{err: "start block inside the frame that starts at byte 0", offset: 2}, {msg: "B"}, {err: "EOF"}}},
		{"truncated frame", "\x0bA\x1c\r\x0bBCD", 0, []step{{msg: "A"}, {err: "stream ended inside the frame that starts at byte 4", offset: 8}}},
		{"oversize", "\x0b12345\x1c\r\x0b123\x1c\r", 4, []step{{err: "larger than the 4-byte limit", offset: 0}, {msg: "123"}, {err: "EOF"}}},
		{"exactly max", "\x0b1234\x1c\r", 4, []step{{msg: "1234"}, {err: "EOF"}}},
		{"empty stream", "", 0, []step{{err: "EOF"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewMLLPReader(strings.NewReader(tc.in), tc.max)
			for i, want := range tc.steps {
				got, err := r.Next()
				if want.err == "" {
					if err != nil || string(got) != want.msg {
						t.Fatalf("step %d: Next() = %q, %v; want %q", i, got, err, want.msg)
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), want.err) {
					t.Fatalf("step %d: Next() error = %v, want one containing %q", i, err, want.err)
				}
				var fe *FrameError
				if errors.As(err, &fe) && fe.Offset != want.offset {
					t.Errorf("step %d: error offset %d, want %d", i, fe.Offset, want.offset)
				}
			}
		})
	}
}

func TestWriteMLLP(t *testing.T) {
	var buf bytes.Buffer
	msg := []byte("MSH|^~\\&|A\rPID|1\r")
	if err := WriteMLLP(&buf, msg); err != nil {
		t.Fatal(err)
	}
	if want := "\x0b" + string(msg) + "\x1c\r"; buf.String() != want {
		t.Errorf("framed %q, want %q", buf.String(), want)
	}
	got, err := NewMLLPReader(&buf, 0).Next()
	if err != nil || !bytes.Equal(got, msg) {
		t.Errorf("read back %q, %v", got, err)
	}
	if err := WriteMLLP(io.Discard, []byte("a\x1cb")); err == nil || !strings.Contains(err.Error(), "byte 1") {
		t.Errorf("WriteMLLP with FS inside: error %v, want one naming byte 1", err)
	}
}

func TestACK(t *testing.T) {
	now := time.Date(2024, 6, 15, 13, 4, 5, 123456789, time.FixedZone("BST", 3600))
	m, err := Parse(exampleFile(t, "nhswales_hl7-v2.3-adt-a01-1.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code, text, want string
	}{
		{"AA", "", "MSH|^~\\&|SuperOE|XYZImgCtr|MegaReg|XYZHospC|20240615130405+0100||ACK^A01^ACK|20240615120405123456|P|2.5\rMSA|AA|01052901\r"},
		{"AE", "bad PID|3 & more", "MSH|^~\\&|SuperOE|XYZImgCtr|MegaReg|XYZHospC|20240615130405+0100||ACK^A01^ACK|20240615120405123456|P|2.5\rMSA|AE|01052901|bad PID\\F\\3 \\T\\ more\r"},
	}
	for _, tc := range tests {
		got := ACK(m, tc.code, tc.text, now)
		if string(got) != tc.want {
			t.Errorf("ACK(%s) =\n%q\nwant\n%q", tc.code, got, tc.want)
		}
		ack, err := Parse(got)
		if err != nil {
			t.Fatalf("ACK does not parse: %v", err)
		}
		if ack.Get("MSA-1") != tc.code || ack.Get("MSA-2") != m.ControlID() || ack.Get("MSA-3") != tc.text {
			t.Errorf("parsed ACK MSA = %q %q %q", ack.Get("MSA-1"), ack.Get("MSA-2"), ack.Get("MSA-3"))
		}
		if ack.Get("MSH-3") != m.Get("MSH-5") || ack.Get("MSH-4") != m.Get("MSH-6") || ack.Get("MSH-5") != m.Get("MSH-3") || ack.Get("MSH-6") != m.Get("MSH-4") {
			t.Errorf("applications and facilities not swapped: %q", got)
		}
	}
}

// TestACKKeepsDelimiters checks that a reply uses the sender's encoding
// characters and that a nil message still gives a parsable rejection.
func TestACKKeepsDelimiters(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	m, err := Parse(seg(`MSH*:+!$*APP:1*FAC***20240101**ADT:A08*42*T*2.6`))
	if err != nil {
		t.Fatal(err)
	}
	ack, err := Parse(ACK(m, "AR", "no*way", now))
	if err != nil {
		t.Fatal(err)
	}
	if ack.Delimiters() != m.Delimiters() || ack.Get("MSH-9.2") != "A08" || ack.Get("MSH-11") != "T" || ack.Get("MSA-3") != "no*way" || ack.Get("MSH-5") != "APP" || ack.Get("MSH-5.2") != "1" {
		t.Errorf("ACK = %q", ack.Raw())
	}
	rej, err := Parse(ACK(nil, "AR", "unparsable", now))
	if err != nil {
		t.Fatal(err)
	}
	if rej.Get("MSA-1") != "AR" || rej.Get("MSH-9") != "ACK" {
		t.Errorf("ACK(nil) = %q", rej.Raw())
	}
}
