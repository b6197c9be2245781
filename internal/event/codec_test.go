package event

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Names used by the codec tests are interned when the test binary starts,
// before TestNameTableIsBounded fills the table.
var (
	codecImage   = Intern("Image")
	codecCmdLine = Intern("CommandLine")
	codecData    = Intern("Data")
	codecUtf8    = Intern("Nom_de_l'Hôte")
)

// sysmonEvent fills e like a Sysmon process-creation event (about 1.5 KB).
func sysmonEvent(e *Event) {
	e.Reset()
	e.Time = time.Date(2024, 3, 1, 12, 30, 45, 123456789, time.UTC)
	e.Source = "syslog:10.0.0.7:514"
	e.Record = 982734
	e.Host = "ward-pc-01.trust.nhs.uk"
	e.LogSource = LogSource{Product: "windows", Service: "sysmon"}
	for _, kv := range [][2]string{
		{"EventID", "1"}, {"Version", "5"}, {"Level", "4"}, {"Task", "1"}, {"Opcode", "0"},
		{"Keywords", "0x8000000000000000"}, {"TimeCreated", "2024-03-01T12:30:45.1234567Z"},
		{"EventRecordID", "982734"}, {"ProcessID", "3104"}, {"ThreadID", "4020"},
		{"Channel", "Microsoft-Windows-Sysmon/Operational"}, {"Computer", "ward-pc-01.trust.nhs.uk"},
		{"UserID", "S-1-5-18"}, {"Provider_Name", "Microsoft-Windows-Sysmon"},
		{"Provider_Guid", "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"},
		{"RuleName", "-"}, {"UtcTime", "2024-03-01 12:30:45.123"},
		{"ProcessGuid", "{a1b2c3d4-1234-5678-9abc-def012345678}"}, {"ProcessId", "7788"},
		{"Image", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`},
		{"FileVersion", "10.0.19041.546 (WinBuild.160101.0800)"}, {"Description", "Windows PowerShell"},
		{"Product", "Microsoft® Windows® Operating System"}, {"Company", "Microsoft Corporation"},
		{"OriginalFileName", "PowerShell.EXE"},
		{"CommandLine", `powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA`},
		{"CurrentDirectory", `C:\Users\nurse01\`}, {"User", `TRUST\nurse01`},
		{"LogonGuid", "{a1b2c3d4-0000-0000-0000-000000000001}"}, {"LogonId", "0x3e7"},
		{"TerminalSessionId", "1"}, {"IntegrityLevel", "High"},
		{"Hashes", "SHA1=6CBCE4A295C163791B60FC23D285E6D84F28EE4C,MD5=7353F60B1739074EB17C5F4DDDEFE239,SHA256=DE96A6E69944335375DC1AC238336066889D9FFC7D73628EF4FE1B1B160AB32C,IMPHASH=741776AACCFC5B71FF59832DCDCACE0F"},
		{"ParentProcessGuid", "{a1b2c3d4-1234-5678-9abc-def012345600}"}, {"ParentProcessId", "5512"},
		{"ParentImage", `C:\Windows\explorer.exe`}, {"ParentCommandLine", `C:\Windows\Explorer.EXE`},
		{"ParentUser", `TRUST\nurse01`},
	} {
		e.Set(kv[0], kv[1])
	}
}

func TestCodecRoundTrip(t *testing.T) {
	var sysmon Event
	sysmonEvent(&sysmon)
	tests := []struct {
		name string
		fill func(e *Event)
	}{
		{"empty", func(e *Event) {}},
		{"metadata only", func(e *Event) {
			e.Time = time.Unix(0, 0).UTC()
			e.Source, e.Host, e.Record = "file.evtx", "pc", 1<<63+5
			e.LogSource = LogSource{"windows", "process_creation", "sysmon"}
		}},
		{"times outside the nanosecond range", func(e *Event) {
			e.Time = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		}},
		{"before 1970", func(e *Event) { e.Time = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC) }},
		{"repeated fields keep their order", func(e *Event) {
			e.Add(codecData, "one")
			e.Add(codecImage, `C:\a.exe`)
			e.Add(codecData, "")
			e.Add(codecData, "three")
		}},
		{"non-ASCII names and values", func(e *Event) {
			e.Add(codecUtf8, "Poste infirmier — 3ᵉ étage")
			e.Add(codecCmdLine, string([]byte{0, 0xff, 0xfe}))
		}},
		{"sysmon", func(e *Event) { e.CopyFrom(&sysmon) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in, out Event
			tt.fill(&in)
			b := in.AppendBinary([]byte("prefix"))
			if !bytes.HasPrefix(b, []byte("prefix")) {
				t.Fatalf("AppendBinary lost what was in its buffer")
			}
			b = b[len("prefix"):]
			if err := out.UnmarshalBinary(b); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			assertSameEvent(t, &in, &out)
			if again := out.AppendBinary(nil); !bytes.Equal(again, b) {
				t.Fatalf("re-encoding differs:\n got %x\nwant %x", again, b)
			}
		})
	}
}

// assertSameEvent fails unless a and b hold the same metadata and the same
// fields in the same order.
func assertSameEvent(t *testing.T, a, b *Event) {
	t.Helper()
	if !a.Time.Equal(b.Time) || a.Time.IsZero() != b.Time.IsZero() {
		t.Errorf("Time = %v, want %v", b.Time, a.Time)
	}
	if a.Source != b.Source || a.Host != b.Host || a.Record != b.Record || a.LogSource != b.LogSource {
		t.Errorf("metadata = %q %q %d %+v, want %q %q %d %+v",
			b.Source, b.Host, b.Record, b.LogSource, a.Source, a.Host, a.Record, a.LogSource)
	}
	if a.Len() != b.Len() {
		t.Fatalf("Len = %d, want %d", b.Len(), a.Len())
	}
	for i := range a.Len() {
		ida, va := a.Field(i)
		idb, vb := b.Field(i)
		if ida != idb || va != vb {
			t.Errorf("field %d = %s=%q, want %s=%q", i, idb, vb, ida, va)
		}
	}
	// Repeated values must chain as they did in the original.
	for i := range a.Len() {
		id, _ := a.Field(i)
		var va, vb []string
		for j := a.Index(id); j >= 0; j = a.Next(j) {
			va = append(va, a.Value(j))
		}
		for j := b.Index(id); j >= 0; j = b.Next(j) {
			vb = append(vb, b.Value(j))
		}
		if strings.Join(va, "\x00") != strings.Join(vb, "\x00") {
			t.Errorf("values of %s = %q, want %q", id, vb, va)
		}
	}
}

func TestCodecDecodedEventOwnsItsStrings(t *testing.T) {
	var in, out Event
	sysmonEvent(&in)
	b := in.AppendBinary(nil)
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	clear(b) // the decoded event must not share the input
	v, _ := out.Get(codecImage)
	if !strings.HasSuffix(v, "powershell.exe") || out.Host != in.Host || out.Source != in.Source {
		t.Fatalf("decoded event changed with its input: Image=%q Host=%q Source=%q", v, out.Host, out.Source)
	}
}

func TestCodecErrorsNameTheOffset(t *testing.T) {
	var e Event
	sysmonEvent(&e)
	good := e.AppendBinary(nil)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "at byte 0: shorter than"},
		{"unknown version", []byte{9, 0}, "at byte 0: unknown version 9"},
		{"unknown flag", []byte{1, 2}, "at byte 1: unknown flags 0x2"},
		{"overlong varint", []byte{1, 0, 0x80, 0x00}, "at byte 2: bad record varint"},
		{"string past the end", []byte{1, 0, 0, 5, 'a'}, "at byte 4: metadata string of 5 bytes runs past the end"},
		{"nanoseconds out of range", []byte{1, 1, 0, 0x80, 0x94, 0xeb, 0xdc, 0x03}, "at byte 8: time nanoseconds out of range"},
		{"field count too large", []byte{1, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0}, "at byte 9: field count 100 exceeds"},
		{"trailing bytes", append(bytes.Clone(good), 0), fmt.Sprintf("at byte %d: 1 bytes after the last field", len(good))},
		{"truncated", good[:len(good)-1], "field value of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out Event
			out.Set("stale", "x")
			err := out.UnmarshalBinary(tt.data)
			if err == nil || !errors.Is(err, ErrCodec) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one wrapping ErrCodec containing %q", err, tt.want)
			}
			if out.Len() != 0 {
				t.Fatalf("a failed decode left %d fields behind", out.Len())
			}
		})
	}
}

func TestCodecDecodeDoesNotAllocateWhenWarm(t *testing.T) {
	var in, out Event
	sysmonEvent(&in)
	b := in.AppendBinary(nil)
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		buf = in.AppendBinary(buf[:0])
		if err := out.UnmarshalBinary(buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("encode+decode into warm buffers allocates %v times", allocs)
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	var e Event
	sysmonEvent(&e)
	f.Add(e.AppendBinary(nil))
	e.Reset()
	e.Add(codecData, "a")
	e.Add(codecData, "b")
	f.Add(e.AppendBinary(nil))
	f.Add([]byte{1, 1, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var first, second Event
		if first.UnmarshalBinary(data) != nil {
			return
		}
		again := first.AppendBinary(nil)
		if err := second.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded event does not decode: %v", err)
		}
		assertSameEvent(t, &first, &second)
		// Names are case-insensitive and re-encode with the first spelling
		// this process saw (or as the overflow field once the table is
		// full); every other byte must come back the same.
		if !bytes.Equal(again, data) && spelledAsInterned(t, data) {
			t.Fatalf("re-encoding differs:\n got %x\nwant %x", again, data)
		}
	})
}

// spelledAsInterned reports whether every field name in b, a valid
// encoding, is spelled as its FieldID displays.
func spelledAsInterned(t *testing.T, b []byte) bool {
	t.Helper()
	var e Event
	if err := e.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	e.fields = e.fields[:0]
	d := decoder{data: b, off: len(e.AppendBinary(nil)) - 1} // at the field count
	n, err := d.uvarint("field count")
	for i := uint64(0); err == nil && i < n; i++ {
		var name []byte
		if name, err = d.bytes("name"); err == nil {
			if Intern(string(name)).String() != string(name) {
				return false
			}
			_, err = d.bytes("value")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

func BenchmarkCodecSysmon(b *testing.B) {
	var in, out Event
	sysmonEvent(&in)
	buf := in.AppendBinary(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = in.AppendBinary(buf[:0])
		if err := out.UnmarshalBinary(buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf)), "bytes/event")
}

// TestCloneOfDecodedOutlivesTheArena decodes one event, clones it, then
// decodes another into the same Event: the clone's metadata and fields
// must not change, as they would if they still pointed into the arena.
func TestCloneOfDecodedOutlivesTheArena(t *testing.T) {
	var a, b Event
	a.Source, a.Host = "syslog/tcp", "ws01"
	a.LogSource = LogSource{Product: "windows", Category: "process_creation", Service: "sysmon"}
	a.Set("Image", `C:\Windows\System32\cmd.exe`)
	b.Source, b.Host = "fhir/http", "epr01"
	b.LogSource = LogSource{Product: "fhir", Category: "audit", Service: "epr"}
	b.Set("Image", "something else entirely")
	var ev Event
	if err := ev.UnmarshalBinary(a.AppendBinary(nil)); err != nil {
		t.Fatal(err)
	}
	c := ev.Clone()
	if err := ev.UnmarshalBinary(b.AppendBinary(nil)); err != nil {
		t.Fatal(err)
	}
	img, _ := c.Get(Intern("Image"))
	if c.Source != a.Source || c.Host != a.Host || c.LogSource != a.LogSource || img != `C:\Windows\System32\cmd.exe` {
		t.Errorf("clone changed when the arena was reused: %+v %q", c.LogSource, c.Source)
	}
}
