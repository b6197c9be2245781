package winjson

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// reuseInputs are objects of every layout: the shared examples that hold
// one object, and a few small ones with log sources and escapes.
func reuseInputs(t *testing.T) [][]byte {
	t.Helper()
	ins := [][]byte{
		[]byte(`{"logsource":{"product":"windows","category":"process_creation"},"Image":"C:\\x.exe","a":[1,"b",null]}`),
		[]byte(`{"logsource":{"service":"sshd"},"msg":"esc\u0041ped \ud83d\ude00"}`),
		[]byte(`{"Hostname":"WS1","Keywords":-9223372036854775808,"RecordNumber":7,"EventTime":"2024-01-02 03:04:05"}`),
	}
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "health-examples", "winjson"), "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.TrimSpace(data)
		if json.Valid(data) && data[0] == '{' {
			ins = append(ins, data)
		}
	}
	if len(ins) < 8 {
		t.Fatalf("only %d inputs; the shared examples are missing", len(ins))
	}
	return ins
}

func TestDecodeReuseMatchesDecode(t *testing.T) {
	var reused event.Event
	for _, in := range reuseInputs(t) {
		var fresh event.Event
		if err := Decode(in, &fresh); err != nil {
			t.Fatalf("Decode(%.80s): %v", in, err)
		}
		if err := DecodeReuse(in, &reused); err != nil {
			t.Fatalf("DecodeReuse(%.80s): %v", in, err)
		}
		if got, want := render(&reused), render(&fresh); got != want {
			t.Errorf("DecodeReuse(%.80s):\n%s\nwant, as Decode:\n%s", in, got, want)
		}
	}
}

// TestDecodeReuseDoesNotAllocate decodes with one decoder, as the pool
// behind DecodeReuse hands out (the race detector makes the pool drop
// some, so the pool itself is left out).
func TestDecodeReuseDoesNotAllocate(t *testing.T) {
	ins := reuseInputs(t)
	d := newDecoder()
	var ev event.Event
	decodeAll := func(reuse bool) {
		d.reuse = reuse
		for _, in := range ins {
			if _, err := d.decode(in, &ev, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	decodeAll(true) // grow the event, intern the names, fill the caches
	if n := testing.AllocsPerRun(20, func() { decodeAll(true) }); n != 0 {
		t.Errorf("DecodeReuse of %d objects into a reused event: %v allocations, want 0", len(ins), n)
	}
	if n := testing.AllocsPerRun(20, func() { decodeAll(false) }); n != float64(len(ins)) {
		t.Errorf("Decode of %d objects: %v allocations, want one per object (its values, which the caller may keep)", len(ins), n)
	}
}
