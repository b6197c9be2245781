package hl7

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// FuzzRejectUnparsed builds the answer to every message Parse refuses: it
// always parses as an ACK with AR or AE and an ERR segment, and can be
// framed, whatever bytes the sender's MSH held.
func FuzzRejectUnparsed(f *testing.F) {
	f.Add([]byte("PID|1||123\r"))
	f.Add([]byte("MSH|^~\\&|PAS|RFH|||20240603||||P|2.4\r"))
	f.Add([]byte("MSH|^~\\&|PAS|RFH|VIGIL|RFH|20240603||ADT^A01|C42|P|2.4\rpid|1\r"))
	f.Add([]byte("MSH#^~\\&#A\x7f#B\\#C#D#2024##ADT^A01#C\r\n#P#2.5\nMSH|x"))
	now := time.Date(2024, 6, 3, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if bytes.ContainsAny(raw, "\x0b\x1c") {
			return // framing bytes never reach a message: MLLPReader splits on them
		}
		_, err := Parse(raw)
		if err == nil {
			return
		}
		ack := rejectUnparsed(raw, err, now)
		m, perr := Parse(ack)
		if perr != nil {
			t.Fatalf("answer does not parse: %v\n%q", perr, ack)
		}
		if code := m.Get("MSA-1"); code != "AR" && code != "AE" {
			t.Fatalf("MSA-1 %q in %q", code, ack)
		}
		if m.Segment("ERR", 1) == nil || m.Get("ERR-8") == "" {
			t.Fatalf("no ERR text in %q", ack)
		}
		if err := WriteMLLP(io.Discard, ack); err != nil {
			t.Fatal(err)
		}
	})
}
