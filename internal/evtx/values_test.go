package evtx

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
	"unicode/utf16"
)

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func TestAppendValue(t *testing.T) {
	sid := []byte{1, 3, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0}
	sid = append(sid, le32(3341789130)...)
	sid = append(sid, le32(35103)...)
	guid := []byte{0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9}
	sysTime := slices.Concat(le16(2025), le16(10), le16(5), le16(24), le16(23), le16(41), le16(48), le16(497))
	tests := []struct {
		name string
		t    byte
		b    []byte
		want string
	}{
		{"null", typeNull, nil, ""},
		{"string", typeString, utf16le("C:\\Windows\\cmd.exe"), `C:\Windows\cmd.exe`},
		{"string trimmed of NULs and spaces", typeString, utf16le("  cmd.exe \x00\x00"), "cmd.exe"},
		{"string with a surrogate pair", typeString, utf16le("a😀b"), "a😀b"},
		{"string with an unpaired surrogate", typeString, slices.Concat(le16(0xd800), le16('x')), "\uFFFDx"},
		{"ansi utf-8", typeAnsi, []byte("caf\xc3\xa9\x00"), "café"},
		{"ansi code page 1252", typeAnsi, []byte("\x80 caf\xe9"), "€ café"},
		{"int8", typeInt8, []byte{0xfb}, "-5"},
		{"uint8", typeUint8, []byte{250}, "250"},
		{"int16", typeInt16, le16(0xfffe), "-2"},
		{"uint16", typeUint16, le16(4688), "4688"},
		{"int32", typeInt32, le32(math.MaxUint32), "-1"},
		{"uint32", typeUint32, le32(3221225473), "3221225473"},
		{"int64", typeInt64, le64(math.MaxUint64), "-1"},
		{"uint64", typeUint64, le64(18446744073709551615), "18446744073709551615"},
		{"real32", typeReal32, le32(math.Float32bits(1.5)), "1.5"},
		{"real64", typeReal64, le64(math.Float64bits(1e21)), "1000000000000000000000"},
		{"bool true", typeBool, le32(1), "true"},
		{"bool false", typeBool, le32(0), "false"},
		{"binary", typeBinary, []byte{0x00, 0xab, 0x10}, "00AB10"},
		{"guid", typeGUID, guid, "5770385F-C22A-43E0-BF4C-06F5698FFBD9"},
		{"size_t 64", typeSizeT, le64(0x7ffb1e5a2e00), "0x7ffb1e5a2e00"},
		{"size_t 32", typeSizeT, le32(0x1a2c), "0x1a2c"},
		{"filetime", typeFileTime, le64(133425636084971709), "2023-10-23T19:40:08.497170Z"},
		{"filetime zero", typeFileTime, le64(0), "1601-01-01T00:00:00.000000Z"},
		{"systemtime", typeSysTime, sysTime, "2025-10-24T23:41:48.497000Z"},
		{"sid", typeSID, sid, "S-1-5-21-3341789130-35103"},
		{"sid local system", typeSID, []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}, "S-1-5-18"},
		{"hex32", typeHex32, le32(0x1fffff), "0x1fffff"},
		{"hex64", typeHex64, le64(0x8000000000000000), "0x8000000000000000"},
		{"wrong size is shown as bytes", typeUint32, []byte{1, 2}, "0102"},
	}
	for _, tt := range tests {
		if got := string(appendValue([]byte("prefix:"), tt.t, tt.b)); got != "prefix:"+tt.want {
			t.Errorf("%s: appendValue = %q, want %q", tt.name, got, "prefix:"+tt.want)
		}
	}
}

func TestFileTimeMatchesTimePackage(t *testing.T) {
	for _, ft := range []uint64{0, 1, 116444736000000000, 133425636084971709, 159999999999999999} {
		want := fileTime(ft).Format("2006-01-02T15:04:05.000000Z")
		if got := string(appendFileTime(nil, ft)); got != want {
			t.Errorf("appendFileTime(%d) = %s, want %s", ft, got, want)
		}
	}
}

func TestArrays(t *testing.T) {
	tests := []struct {
		name string
		t    byte
		b    []byte
		want []string
	}{
		{"strings", typeString, utf16le("one\x00two\x00\x00three\x00"), []string{"one", "two", "", "three"}},
		{"ansi strings", typeAnsi, []byte("a\x00bc\x00"), []string{"a", "bc"}},
		{"uint16", typeUint16, slices.Concat(le16(1), le16(65535)), []string{"1", "65535"}},
		{"hex64", typeHex64, slices.Concat(le64(0x10), le64(0xff)), []string{"0x10", "0xff"}},
		{"size_t 32", typeSizeT, slices.Concat(le32(1), le32(2), le32(3)), []string{"0x1", "0x2", "0x3"}},
		{"sids", typeSID, []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1}, []string{"S-1-5-18", "S-1-1"}},
		{"trailing partial element dropped", typeUint32, []byte{1, 0, 0, 0, 9}, []string{"1"}},
	}
	for _, tt := range tests {
		var got []string
		forEachElement(tt.t, tt.b, func(t byte, e []byte) { got = append(got, string(appendValue(nil, t, e))) })
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: elements %q, want %q", tt.name, got, tt.want)
		}
	}
}
