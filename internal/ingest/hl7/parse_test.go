package hl7

import (
	"errors"
	"strings"
	"testing"
)

// seg joins segments with CR, the standard segment terminator.
func seg(lines ...string) []byte { return []byte(strings.Join(lines, "\r") + "\r") }

func TestEscapes(t *testing.T) {
	m, err := Parse(seg(
		`MSH|^~\&|APP|FAC|||20240101120000||ADT^A01|1|P|2.5`,
		`NTE|1||a\F\b\S\c\T\d\R\e\E\f|x\X0D0A\y|l1\.br\l2|\H\bold\N\|\Zlocal\|\Xzz\|open\end|\X41\|\.sp\`,
	))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{"NTE-3", `a|b^c&d~e\f`},
		{"NTE-4", "x\r\ny"},
		{"NTE-5", "l1\nl2"},
		{"NTE-6", `\H\bold\N\`}, // highlighting kept literally
		{"NTE-7", `\Zlocal\`},   // locally defined kept
		{"NTE-8", `\Xzz\`},      // bad hex kept
		{"NTE-9", `open\end`},   // unterminated kept
		{"NTE-10", "A"},         // hex decoded
		{"NTE-11", `\.sp\`},     // other formatting kept
		{"MSH-1", "|"},
		{"MSH-2", `^~\&`},
		{"MSH-9.2", "A01"},
	}
	for _, tc := range tests {
		if got := m.Get(tc.path); got != tc.want {
			t.Errorf("Get(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

// TestCustomDelimiters reads a message whose encoding characters are not
// the usual ones, with v2.7's truncation character.
func TestCustomDelimiters(t *testing.T) {
	m, err := Parse(seg(
		`MSH*:+!$#*APP*FAC***20240101120000**ADT:A08*42*P*2.7`,
		`PID*1**111:::NHS:NH+222:::HOSP:MR$sub**SMITH:JOHN**19800101*M`,
		`NTE*1**5 !T! 6 !F! 7 !P! 8 !S! 9 !R!`,
	))
	if err != nil {
		t.Fatal(err)
	}
	want := Delimiters{Field: '*', Component: ':', Repetition: '+', Escape: '!', Subcomponent: '$', Truncation: '#'}
	if m.Delimiters() != want {
		t.Errorf("Delimiters() = %+v, want %+v", m.Delimiters(), want)
	}
	tests := []struct{ path, want string }{
		{"MSH-2", ":+!$#"},
		{"MSH-9.2", "A08"},
		{"PID-3(2)", "222"},
		{"PID-3(2).5", "MR"},
		{"PID-3(2).5.2", "sub"},
		{"PID-5.2", "JOHN"},
		{"NTE-3", "5 $ 6 * 7 # 8 : 9 +"},
	}
	for _, tc := range tests {
		if got := m.Get(tc.path); got != tc.want {
			t.Errorf("Get(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestPaths(t *testing.T) {
	m, err := Parse(seg(
		`MSH|^~\&|APP|FAC|||20240101120000||ADT^A01^ADT_A01|ctl-1|P|2.5`,
		`PID|1||A1^^^H^MR~9434765919^^^NHS^NH||DOE&VAN^JANE`,
		`NK1|1|ONE`,
		`NK1|2|TWO^T`,
		`ZXY|custom^value`,
	))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{"PID-3", "A1"},
		{"PID-3(1)", "A1"},
		{"PID-3(2)", "9434765919"},
		{"PID-3(2).4", "NHS"},
		{"PID-3(3)", ""},
		{"PID-5", "DOE"},
		{"PID-5.1.2", "VAN"},
		{"PID-5-2", "JANE"},
		{"PID-5.3", ""},
		{"PID-99", ""},
		{"NK1-2", "ONE"},
		{"NK1(2)-2", "TWO"},
		{"NK1(2)-2.2", "T"},
		{"NK1(3)-2", ""},
		{"ZXY-1.2", "value"},
		{"PV1-1", ""},
		{"bad", ""},
		{"PID-x", ""},
		{"PID-3(0)", ""},
		{"PID-3.1.1.1", ""},
	}
	for _, tc := range tests {
		if got := m.Get(tc.path); got != tc.want {
			t.Errorf("Get(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
	if code, trigger, structure := m.Type(); code != "ADT" || trigger != "A01" || structure != "ADT_A01" {
		t.Errorf("Type() = %q %q %q", code, trigger, structure)
	}
	if got := m.ControlID(); got != "ctl-1" {
		t.Errorf("ControlID() = %q", got)
	}
	if got := len(m.Segments("NK1")); got != 2 {
		t.Errorf("Segments(NK1) = %d, want 2", got)
	}
	if got := m.Segment("PID", 1).Repetitions(3); got != 2 {
		t.Errorf("Repetitions(PID-3) = %d, want 2", got)
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, p := range []string{"", "PID", "PID3", "pid-3", "PID-0", "PID-3(", "PID-3(a)", "PID-3.x", "PID-3.1.2.3", "PID(0)-1"} {
		if _, err := ParsePath(p); err == nil {
			t.Errorf("ParsePath(%q) gave no error", p)
		}
	}
}

// TestLineEndings parses the same message with each segment terminator.
func TestLineEndings(t *testing.T) {
	base := []string{`MSH|^~\&|A|B|||20240101||ADT^A01|1|P|2.5`, `PID|1||X`, `PV1|1|I|W1`}
	for _, sep := range []string{"\r", "\n", "\r\n", "\r\n\r\n"} {
		m, err := Parse([]byte(bom + strings.Join(base, sep) + sep))
		if err != nil {
			t.Fatalf("sep %q: %v", sep, err)
		}
		if got := m.Get("PV1-3"); got != "W1" || len(m.All()) != 3 {
			t.Errorf("sep %q: PV1-3 = %q, %d segments", sep, got, len(m.All()))
		}
		if pv1 := m.Segment("PV1", 1); pv1.Line != 3 && sep != "\r\n\r\n" {
			t.Errorf("sep %q: PV1 on line %d, want 3", sep, pv1.Line)
		}
	}
}

// TestMalformed checks that bad input gives a *ParseError naming the line,
// segment and byte offset.
func TestMalformed(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		segment  string
		offset   int
		contains string
	}{
		{"empty", "", 1, "", 0, "no MSH"},
		{"no MSH", "PID|1||X\r", 1, "", 0, "no MSH"},
		{"junk before", "\r\nhello\rMSH|^~\\&|\r", 1, "", 2, "no MSH"},
		{"MSH only", "MSH", 1, "MSH", 3, "truncated"},
		{"short encoding", "MSH|^~|A\r", 1, "MSH", 4, "want 4"},
		{"repeated delimiter", "MSH|^^\\&|A\r", 1, "MSH", 4, "used twice"},
		{"letter delimiter", "MSH|^~\\A|A\r", 1, "MSH", 4, "cannot be a delimiter"},
		{"truncated header", "MSH|^~\\&|APP|FAC\r", 1, "MSH", 0, "MSH-9"},
		{"bad segment", "MSH|^~\\&|A|B|||1||ADT^A01|1|P|2.5\rPID|1\rpv1|x\r", 3, "", 40, "bad segment name"},
		{"second MSH", "MSH|^~\\&|A|B|||1||ADT^A01|1|P|2.5\rMSH|^~\\&|A\r", 2, "MSH", 34, "second MSH"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want *ParseError", err)
			}
			if pe.Line != tc.line || pe.Segment != tc.segment || pe.Offset != tc.offset || !strings.Contains(pe.Error(), tc.contains) {
				t.Errorf("error %q (line %d, segment %q, offset %d), want line %d, segment %q, offset %d, containing %q",
					pe, pe.Line, pe.Segment, pe.Offset, tc.line, tc.segment, tc.offset, tc.contains)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	one := "MSH|^~\\&|A|B|||1||ADT^A01|1|P|2.5\nPID|1||X\n"
	two := "MSH|^~\\&|A|B|||1||ADT^A02|2|P|2.5\r\nPID|1||Y\r\n"
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"blank", "\r\n\n", nil},
		{"one", one, []string{one}},
		{"two", bom + "\n" + one + two, []string{one, two}},
		{"MSH inside a field is not a start", "MSH|^~\\&|A|B|||1||ADT^A01|1|P|2.5\rNTE|1||xMSH|\r", []string{"MSH|^~\\&|A|B|||1||ADT^A01|1|P|2.5\rNTE|1||xMSH|\r"}},
		{"junk kept", "junk\n" + one, []string{"junk\n", one}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Split([]byte(tc.in))
			if len(got) != len(tc.want) {
				t.Fatalf("Split gave %d messages %q, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if string(got[i]) != tc.want[i] {
					t.Errorf("message %d = %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, d := range []Delimiters{DefaultDelimiters, {Field: '*', Component: ':', Repetition: '+', Escape: '!', Subcomponent: '$', Truncation: '#'}} {
		for _, v := range []string{"", "plain", `a|b^c&d~e\f`, "line\r\nbreak\x0b\x1c", "*:+!$#", "\\X41\\"} {
			enc := d.EscapeValue(v)
			if strings.ContainsAny(enc, "\r\n\x0b\x1c") {
				t.Errorf("EscapeValue(%q) = %q keeps a framing character", v, enc)
			}
			if got := d.UnescapeValue(enc); got != v {
				t.Errorf("%s: UnescapeValue(EscapeValue(%q)) = %q (encoded %q)", d, v, got, enc)
			}
		}
	}
}
