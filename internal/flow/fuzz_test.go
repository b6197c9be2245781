package flow

import (
	"bytes"
	"testing"
	"time"
)

func FuzzUnmarshal(f *testing.F) {
	w := New(Options{Location: time.UTC})
	for i := range 300 {
		at := monday.Add(time.Duration(i) * time.Minute)
		w.Observe(lims, at, 1+i%3)
		w.Observe(Key{Listener: "syslog", Host: "fw01"}, at, 2)
		w.Check(at)
	}
	seed, err := w.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("VFLW\x01\x80\xf0\x8b\xdf\x01\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		w := New(Options{Location: time.UTC, MaxKeys: 50})
		if err := w.UnmarshalBinary(data); err != nil {
			return
		}
		// What decodes must encode and decode to the same profile, and
		// be usable.
		once, err := w.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		v := New(Options{Location: time.UTC, MaxKeys: 50})
		if err := v.UnmarshalBinary(once); err != nil {
			t.Fatalf("re-decoding an encoded profile: %v", err)
		}
		twice, _ := v.MarshalBinary()
		if !bytes.Equal(once, twice) {
			t.Fatalf("profile not stable across a round trip")
		}
		w.Observe(lims, monday, 1)
		w.Check(monday.Add(time.Hour))
		w.Sources()
	})
}
