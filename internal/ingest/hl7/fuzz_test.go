package hl7

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// addExampleSeeds seeds a fuzz target with every real example file.
func addExampleSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(f, "health-examples", "hl7v2"), "*.hl7"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no example files: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzParse checks that no input panics Parse or any reader of a parsed
// message, and that errors are *ParseError with an offset inside the input.
func FuzzParse(f *testing.F) {
	addExampleSeeds(f)
	f.Add([]byte("MSH|^~\\&#|A|B|||2024||ADT^A01|1|P|2.7\rPID|1||\\X0A\\|\\E\\\r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(data) {
				t.Fatalf("error %v is not a *ParseError within the input", err)
			}
			return
		}
		for _, s := range m.All() {
			for n := 0; n <= s.NumFields()+1; n++ {
				for r := 0; r <= s.Repetitions(n)+1; r++ {
					_ = s.Value(n, r, 1, 1)
					_ = s.Value(n, r, 2, 2)
				}
			}
		}
		_, _ = ParseADT(m)
		_, _ = ParseSIU(m)
		var ev event.Event
		ToEvent(m, &ev)
		ack := ACK(m, "AA", "ok", time.Unix(0, 0))
		if _, err := Parse(ack); err != nil {
			t.Fatalf("ACK of a parsed message does not parse: %v\n%q", err, ack)
		}
		for _, part := range Split(data) {
			_, _ = Parse(part)
		}
	})
}

// FuzzMLLP checks that no stream panics the MLLP reader, and that a value
// written into a message with this package's escaping and framing reads
// back unchanged.
func FuzzMLLP(f *testing.F) {
	addExampleSeeds(f)
	f.Add([]byte("\x0bMSH|^~\\&|A\x1c\r\x0b\x0b\x1c"))
	f.Add([]byte("a|b^c&d~e\\f\r\n\x0b\x1c"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewMLLPReader(bytes.NewReader(data), 512)
		for i := 0; ; i++ {
			msg, err := r.Next()
			if errors.Is(err, io.EOF) || i > len(data) {
				break
			}
			if err == nil && len(msg) > 512 {
				t.Fatalf("message of %d bytes passed the 512-byte limit", len(msg))
			}
		}

		value := string(data)
		d := DefaultDelimiters
		msg := "MSH|^~\\&|APP|FAC|||20240101120000||ADT^A01|" + d.EscapeValue(value) + "|P|2.5\r" +
			"PID|1||" + d.EscapeValue(value) + "^^^NHS^NH~X^^^H^MR||" + d.EscapeValue(value) + "^Given\r"
		var buf bytes.Buffer
		if err := WriteMLLP(&buf, []byte(msg)); err != nil {
			t.Fatalf("WriteMLLP of an escaped message: %v", err)
		}
		got, err := NewMLLPReader(&buf, 0).Next()
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		m, err := Parse(got)
		if err != nil {
			t.Fatalf("Parse of an encoded message: %v\n%q", err, got)
		}
		for _, path := range []string{"MSH-10", "PID-3(1).1", "PID-5.1"} {
			if v := m.Get(path); v != value {
				t.Fatalf("%s = %q, want %q", path, v, value)
			}
		}
		if m.Get("PID-3(2)") != "X" || m.Get("PID-5.2") != "Given" {
			t.Fatalf("neighbouring values disturbed: %q", got)
		}
	})
}
