package winjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// FuzzDecode checks Decode against encoding/json, and DecodeReuse against
// Decode (the same event or the same error): it accepts the valid JSON
// objects (within the nesting limit) and those that are valid but for raw
// control characters (which it takes as whitespace outside strings), fails with a *SyntaxError inside the
// input otherwise, and reads top-level strings as encoding/json does.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":"b"}`, `{"a":[1,2,{"b":null}],"c":true,"d":-1.5e3}`, `{"a":"\ud83d\ude00\u00e9\n"}`,
		`{"Keywords":-9223372036854775808,"Hostname":"x"}`, `{"logsource":{"product":"p"}}`,
		`{"Event":{"System":{"EventID":{"#text":1}},"EventData":{"Data":[{"@Name":"a","#text":"b"}]},"UserData":{"W":{"H":"1","H_1":"2"}}}}`,
		`{"a":}`, `{"a":"\x"}`, `[`, `{"a":1}x`, "{\"a\":\"raw\ttab\"}",
	} {
		f.Add([]byte(s))
	}
	dir := sharedtest.Path(f, "health-examples", "winjson")
	for _, name := range []string{"sigma-regression_sysmon-1.json", "winlogbeat_security_4719.evtx.golden.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bytes.TrimPrefix(bytes.TrimSpace(data), []byte("[")))
	}
	// One event for all inputs: a fresh one per input would allocate field
	// slots for every name the fuzzer has ever interned.
	var ev, reused event.Event
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Decode(data, &ev)
		rerr := DecodeReuse(data, &reused)
		if fmt.Sprint(err) != fmt.Sprint(rerr) || render(&ev) != render(&reused) {
			t.Fatalf("DecodeReuse(%q) = %v:\n%s\nDecode = %v:\n%s", data, rerr, render(&reused), err, render(&ev))
		}
		mapped := controlsToSpace(data)
		object := bytes.HasPrefix(bytes.TrimLeft(mapped, " "), []byte("{")) && nesting(data) <= maxDepth
		if err != nil && json.Valid(data) && object {
			t.Fatalf("Decode(%q) = %v, but it is a valid object", data, err)
		}
		if err == nil && !(json.Valid(mapped) && object) {
			t.Fatalf("Decode(%q) accepted an invalid object", data)
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(data) || ev.Len() != 0 {
				t.Fatalf("Decode(%q) = %#v with %d fields", data, err, ev.Len())
			}
			return
		}
		if utf8.Valid(data) && json.Valid(data) {
			compareTopStrings(t, data, &ev)
		}
	})
}

// controlsToSpace replaces control characters with spaces: outside strings
// that keeps whitespace whitespace, inside them it makes them valid JSON.
func controlsToSpace(data []byte) []byte {
	out := bytes.Clone(data)
	for i, c := range out {
		if c < 0x20 {
			out[i] = ' '
		}
	}
	return out
}

// nesting returns the deepest nesting of objects and arrays in valid JSON.
func nesting(data []byte) int {
	depth, deepest, inStr := 0, 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// compareTopStrings checks that each top-level string member that keeps its
// name is among the values of its field.
func compareTopStrings(t *testing.T, data []byte, ev *event.Event) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers beyond float64 are valid JSON
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		key := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		s, ok := v.(string)
		if !ok || key == "Event" || key == "logsource" || rename(key) != key {
			continue
		}
		if got := values(ev, key); !slices.Contains(got, s) {
			t.Fatalf("%q: field %q = %q, want it to hold %q", data, key, got, s)
		}
	}
}
