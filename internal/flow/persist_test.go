package flow

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestRestartKeepsProfile(t *testing.T) {
	rate := func(t time.Time) int {
		if t.Weekday() == time.Sunday && t.Hour() < 6 {
			return 0
		}
		return steady(t)
	}
	k := Key{Listener: "syslog", Host: "ward-pc-7"}
	s := newSim(t, Options{})
	s.run(14*24*time.Hour, map[Key]rateFunc{k: rate})
	saved, err := s.w.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}

	// Vigil is down for an hour, then starts with the saved profile.
	s.now = s.now.Add(time.Hour)
	r := newSim(t, Options{})
	r.now = s.now
	if err := r.w.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	again, err := r.w.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved, again) {
		t.Errorf("profile changed across Marshal, Unmarshal, Marshal (%d bytes, then %d)", len(saved), len(again))
	}
	// A normal week, Sunday night included, raises nothing: the profile,
	// not a fresh global baseline, judges it.
	if got := r.run(7*24*time.Hour, map[Key]rateFunc{k: rate}); len(got) != 0 {
		t.Fatalf("after restart a normal week raised %d findings: %+v", len(got), got)
	}
}

func TestRestartKeepsState(t *testing.T) {
	s := newSim(t, Options{})
	from := monday.Add(2*24*time.Hour + 10*time.Hour)
	got := s.run(2*24*time.Hour+11*time.Hour, map[Key]rateFunc{lims: silentBetween(steady, from, from.Add(24*time.Hour))})
	if !equal(kinds(got), []string{KindSilent}) {
		t.Fatalf("findings before restart %v, want silent", kinds(got))
	}
	saved, err := s.w.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	r := newSim(t, Options{})
	r.now = s.now.Add(10 * time.Minute)
	if err := r.w.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	// Still silent: not raised again; then the feed comes back.
	got = r.run(time.Hour, map[Key]rateFunc{lims: func(time.Time) int { return 0 }})
	if len(got) != 0 {
		t.Fatalf("restored silence raised again: %+v", got)
	}
	got = r.run(time.Hour, map[Key]rateFunc{lims: steady})
	if !equal(kinds(got), []string{KindRecovered}) || !got[0].Since.Equal(s.w.keys[lims].since) {
		t.Fatalf("findings after the feed came back %+v, want one recovered since the silence began", got)
	}
}

func TestRestoreRescalesBucket(t *testing.T) {
	s := newSim(t, Options{})
	s.run(3*time.Hour, map[Key]rateFunc{lims: steady})
	saved, err := s.w.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	w := New(Options{Bucket: 5 * time.Minute, Location: time.UTC})
	if err := w.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	if m := w.keys[lims].global.mean; m < 9 || m > 11 {
		t.Errorf("global mean %v per 5-minute bucket, want about 10 (2 a minute)", m)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	s := newSim(t, Options{})
	s.run(2*time.Hour, map[Key]rateFunc{lims: steady})
	good, err := s.w.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	bad := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "bad magic at byte 0"},
		{"magic", []byte("XFLW\x01"), "bad magic at byte 0"},
		{"version", bad(func(b []byte) []byte { b[4] = 9; return b }), "version 9 at byte 4"},
		{"truncated", good[:len(good)-3], "at byte"},
		{"trailing", append(append([]byte(nil), good...), 0), "trailing data"},
		{"too many sources", []byte("VFLW\x01\x01\xff\x01"), "more than the data holds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := New(Options{})
			w.Observe(lims, monday, 1)
			err := w.UnmarshalBinary(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if len(w.Sources()) != 1 {
				t.Errorf("a failed Unmarshal changed the Watch")
			}
		})
	}
}
