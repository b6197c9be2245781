package serve

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// sprayPlan is a plan over a failed-logon rule feeding a per-host and a
// per-user correlation, and a logon rule feeding none.
func sprayPlan(t *testing.T) (*rekeyPlan, *sigma.Rule, *sigma.Rule) {
	t.Helper()
	fail := &sigma.Rule{Meta: sigma.Meta{ID: "id-fail", Name: "failed_logon", Title: "Failed Logon"}}
	logon := &sigma.Rule{Meta: sigma.Meta{ID: "id-logon", Title: "Logon"}}
	gte := 20.0
	corr := func(id string, groupBy ...string) *sigma.Correlation {
		return &sigma.Correlation{Meta: sigma.Meta{ID: id, Title: id}, Type: sigma.EventCount, Rules: []string{"failed_logon"},
			GroupBy: groupBy, Timespan: 10 * time.Minute, Condition: sigma.Range{GTE: &gte}}
	}
	set := &sigma.Set{Rules: []*sigma.Rule{fail, logon}, Correlations: []*sigma.Correlation{corr("per-host", "Computer"), corr("per-user", "TargetUserName")}}
	pl, err := newRekeyPlan(set)
	if err != nil {
		t.Fatal(err)
	}
	return pl, fail, logon
}

func TestRekeyPlan(t *testing.T) {
	pl, fail, logon := sprayPlan(t)
	if !pl.active() || len(pl.host) != 1 || pl.host[0].ID != "per-host" || len(pl.rekeyed) != 1 || pl.rekeyed[0].ID != "per-user" {
		t.Fatalf("plan: host %v, rekeyed %v; want per-host and per-user", pl.host, pl.rekeyed)
	}
	if !pl.quiet[fail] || pl.quiet[logon] {
		t.Errorf("quiet: failed_logon %v, logon %v; want true, false", pl.quiet[fail], pl.quiet[logon])
	}
	ev := &event.Event{Host: "WS-1"}
	ev.Set("TargetUserName", "jsmith")
	data := ev.AppendBinary(nil)
	cases := []struct {
		name    string
		matched []*sigma.Rule
		ev      *event.Event
		msgs    int
	}{
		{"a failed logon", []*sigma.Rule{fail}, ev, 1},
		{"a rule feeding no re-keyed correlation", []*sigma.Rule{logon}, ev, 0},
		{"both", []*sigma.Rule{logon, fail}, ev, 1},
		{"no user", []*sigma.Rule{fail}, &event.Event{Host: "WS-1"}, 0},
	}
	for _, c := range cases {
		out := pl.collect(nil, 3, 42, c.ev, c.matched, data)
		if len(out) != c.msgs {
			t.Errorf("%s: %d messages, want %d", c.name, len(out), c.msgs)
			continue
		}
		for _, m := range out {
			var got rekeyMsg
			if err := decodeRekeyMsg(m.Data, &got); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got.origin != 3 || got.seq != 42 || !slices.Equal(got.rules, []string{"id-fail"}) || !bytes.Equal(got.event, data) {
				t.Errorf("%s: decoded %+v", c.name, got)
			}
			if again := pl.collect(nil, 3, 42, c.ev, c.matched, data); again[0].ID != m.ID || again[0].Key != m.Key {
				t.Errorf("%s: processed again, id %q key %q; first %q %q", c.name, again[0].ID, again[0].Key, m.ID, m.Key)
			}
		}
	}
	if a, b := pl.collect(nil, 3, 42, ev, []*sigma.Rule{fail}, data), pl.collect(nil, 4, 42, ev, []*sigma.Rule{fail}, data); a[0].ID == b[0].ID {
		t.Errorf("two origins share the id %q", a[0].ID)
	}
}

// TestRekeyAlertPartition: a stored alert of a re-keyed correlation goes
// back to the key partition its events were published to; others to none.
func TestRekeyAlertPartition(t *testing.T) {
	pl, fail, _ := sprayPlan(t)
	ev := &event.Event{Host: "WS-9"}
	ev.Set("TargetUserName", "a=b,c")
	msgs := pl.collect(nil, 0, 1, ev, []*sigma.Rule{fail}, ev.AppendBinary(nil))
	want := bus.PartitionOf(msgs[0].Key, 8)
	cases := []struct {
		alert   *alert.Alert
		p       int
		ok      bool
		rekeyed bool
	}{
		{&alert.Alert{RuleID: "per-user", Key: "TargetUserName=a=b,c"}, want, true, true},
		{&alert.Alert{RuleID: "per-user", Key: "User=a"}, 0, false, true},
		{&alert.Alert{RuleID: "per-host", Key: "Computer=WS-9"}, 0, false, false},
	}
	for _, c := range cases {
		p, ok := pl.alertPartition(c.alert, 8)
		if ok != c.ok || (ok && p != c.p) || pl.rekeyedAlert(c.alert) != c.rekeyed {
			t.Errorf("%s %s: partition %d, %v; want %d, %v", c.alert.RuleID, c.alert.Key, p, ok, c.p, c.ok)
		}
	}
}

func TestParseGroupKey(t *testing.T) {
	cases := []struct {
		key   string
		names []string
		want  map[string]string
	}{
		{"TargetUserName=bob", []string{"TargetUserName"}, map[string]string{"TargetUserName": "bob"}},
		{"a=1,b=x,y", []string{"b", "a"}, map[string]string{"a": "1", "b": "x,y"}},
		{"a=1,2,b=", []string{"a", "b"}, map[string]string{"a": "1,2", "b": ""}},
		{"a=1", []string{"a", "b"}, nil},
		{"c=1", []string{"a"}, nil},
	}
	for _, c := range cases {
		got, ok := parseGroupKey(c.key, c.names)
		if ok != (c.want != nil) || (ok && !mapsEqual(got, c.want)) {
			t.Errorf("parseGroupKey(%q, %v) = %v, %v; want %v", c.key, c.names, got, ok, c.want)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestDecodeRekeyMsgErrors(t *testing.T) {
	good := appendRekeyMsg(nil, 2, 7, []string{"r1", "r2"}, []byte("ev"))
	cases := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"other version", append([]byte{9}, good[1:]...)},
		{"cut in the header", good[:3]},
		{"cut in a rule", good[:len(good)-6]},
		{"no rules", appendRekeyMsg(nil, 2, 7, nil, []byte("ev"))},
	}
	for _, c := range cases {
		var m rekeyMsg
		if err := decodeRekeyMsg(c.b, &m); err == nil {
			t.Errorf("%s: decoded %+v, want an error", c.name, m)
		}
	}
	var m rekeyMsg
	if err := decodeRekeyMsg(good, &m); err != nil || string(m.event) != "ev" || len(m.rules) != 2 {
		t.Errorf("good message: %+v, %v", m, err)
	}
}

func FuzzDecodeRekeyMsg(f *testing.F) {
	ev := &event.Event{Host: "WS-1", Source: "winjson"}
	ev.Set("TargetUserName", "jsmith")
	ev.Set("EventID", "4625")
	f.Add(appendRekeyMsg(nil, 3, 42, []string{"cfc4ae20-dfe2-4a96-9f33-d9c2771c53db"}, ev.AppendBinary(nil)))
	f.Add(appendRekeyMsg(nil, 0, 1, []string{"a", "b"}, nil))
	f.Add([]byte{1, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m rekeyMsg
		if err := decodeRekeyMsg(b, &m); err != nil {
			return
		}
		again := appendRekeyMsg(nil, m.origin, m.seq, m.rules, m.event)
		var m2 rekeyMsg
		if err := decodeRekeyMsg(again, &m2); err != nil || m2.origin != m.origin || m2.seq != m.seq ||
			!slices.Equal(m2.rules, m.rules) || !bytes.Equal(m2.event, m.event) {
			t.Fatalf("re-encoded message reads %+v (%v), first %+v", m2, err, m)
		}
	})
}
