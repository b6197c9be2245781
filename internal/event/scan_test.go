package event

import (
	"bytes"
	"testing"
	"time"
)

func TestScanBinaryMatchesUnmarshal(t *testing.T) {
	var sysmon Event
	sysmonEvent(&sysmon)
	good := sysmon.AppendBinary(nil)
	var untimed Event
	untimed.Set("Message", "no time here")
	tests := []struct {
		name string
		data []byte
	}{
		{"sysmon", good},
		{"untimed", untimed.AppendBinary(nil)},
		{"truncated", good[:len(good)-3]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"bad version", []byte{9, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev Event
			uerr := ev.UnmarshalBinary(tt.data)
			var names, values []string
			h, serr := ScanBinary(tt.data, func(n, v []byte) {
				names, values = append(names, string(n)), append(values, string(v))
			})
			if (uerr == nil) != (serr == nil) || (uerr != nil && uerr.Error() != serr.Error()) {
				t.Fatalf("UnmarshalBinary: %v; ScanBinary: %v", uerr, serr)
			}
			if uerr != nil {
				return
			}
			if !h.Time.Equal(ev.Time) || h.Record != ev.Record || string(h.Host) != ev.Host || string(h.Source) != ev.Source ||
				string(h.Product) != ev.LogSource.Product || string(h.Service) != ev.LogSource.Service {
				t.Fatalf("header %+v differs from the decoded event %+v", h, ev)
			}
			if len(names) != ev.Len() {
				t.Fatalf("ScanBinary saw %d fields, UnmarshalBinary %d", len(names), ev.Len())
			}
			for i := range names {
				id, v := ev.Field(i)
				if names[i] != id.String() || values[i] != v {
					t.Fatalf("field %d: scanned %s=%q, decoded %s=%q", i, names[i], values[i], id, v)
				}
			}
			bt, err := BinaryTime(tt.data)
			if err != nil || !bt.Equal(ev.Time) {
				t.Fatalf("BinaryTime = %v, %v; want %v", bt, err, ev.Time)
			}
		})
	}
}

func TestBinaryTimeReadsOnlyTheHeader(t *testing.T) {
	var e Event
	e.Time = time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	e.Set("a", "b")
	b := e.AppendBinary(nil)
	got, err := BinaryTime(b[:8]) // 2 header bytes, 5 of seconds, 1 of nanoseconds: the rest is cut off
	if err != nil || !got.Equal(e.Time) {
		t.Fatalf("BinaryTime of a cut record = %v, %v; want %v", got, err, e.Time)
	}
}

func FuzzScanBinary(f *testing.F) {
	var e Event
	sysmonEvent(&e)
	f.Add(e.AppendBinary(nil))
	f.Add([]byte{1, 1, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var ev Event
		uerr := ev.UnmarshalBinary(data)
		n := 0
		_, serr := ScanBinary(data, func(_, _ []byte) { n++ })
		if (uerr == nil) != (serr == nil) {
			t.Fatalf("UnmarshalBinary: %v; ScanBinary: %v", uerr, serr)
		}
		if uerr == nil && n != ev.Len() {
			t.Fatalf("ScanBinary saw %d fields, UnmarshalBinary %d", n, ev.Len())
		}
	})
}
