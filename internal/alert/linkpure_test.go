package alert

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// inc is an incident of host seen from at for a minute, with users,
// entities and links given as "user:x", "link:x" or an entity string.
func inc(id, host string, at time.Duration, items ...string) *Incident {
	in := &Incident{ID: id, Hosts: []string{host}, FirstSeen: t0.Add(at), LastSeen: t0.Add(at + time.Minute), Level: "high", Title: id, AlertIDs: []string{"a-" + id}}
	for _, it := range items {
		switch {
		case len(it) > 5 && it[:5] == "user:":
			in.Users = append(in.Users, it[5:])
		case len(it) > 5 && it[:5] == "link:":
			in.Links = append(in.Links, it[5:])
		default:
			in.Entities = append(in.Entities, it)
		}
	}
	return in
}

func TestLinkIncidents(t *testing.T) {
	many := func(k string) []*Incident { // SharedEntityHosts+1 hosts holding k
		var out []*Incident
		for i := range SharedEntityHosts + 1 {
			out = append(out, inc(fmt.Sprintf("x%02d", i), fmt.Sprintf("PC%02d", i), 0, k))
		}
		return out
	}
	tests := []struct {
		name string
		incs []*Incident
		want [][]string
	}{
		{"a real user on two hosts", []*Incident{inc("b", "WS2", time.Minute, `user:CORP\adm.rjones`), inc("a", "WS1", 0, "user:adm.rjones@corp")}, [][]string{{"a", "b"}}},
		{"SYSTEM, a service account and a machine account link nothing", []*Incident{
			inc("a", "WS1", 0, `user:NT AUTHORITY\SYSTEM`, "user:LOCAL SERVICE", "user:WS9$"),
			inc("b", "WS2", 0, "user:SYSTEM", "user:local service", `user:CORP\WS9$`)}, nil},
		{"lateral movement: reached from the other's host", []*Incident{inc("a", "WS1.corp", 0), inc("b", "SRV1", 5*time.Minute, "link:host:ws1")}, [][]string{{"a", "b"}}},
		{"lateral movement: reached from the other's address", []*Incident{inc("a", "WS1", 0, "address:10.0.0.1"), inc("b", "SRV1", 0, "link:address:10.0.0.1")}, [][]string{{"a", "b"}}},
		{"the other's alerts named this host as reached", []*Incident{inc("a", "EPR", 0, "target:pas"), inc("b", "PAS", 0, "link:target:pas")}, [][]string{{"a", "b"}}},
		{"both reaching one host is no link", []*Incident{inc("a", "WS1", 0, "target:dc01"), inc("b", "WS2", 0, "target:dc01")}, nil},
		{"a shared group policy object", []*Incident{inc("a", "DC01", 0, "artifact:gpo:{1}"), inc("b", "WS5", 0, "link:artifact:gpo:{1}")}, [][]string{{"a", "b"}}},
		{"an artefact held by incidents of too many hosts", append(many("artifact:gpo:{2}"), inc("b", "WS5", 0, "link:artifact:gpo:{2}")), nil},
		{"out of the window", []*Incident{inc("a", "WS1", 0, "user:sam"), inc("b", "WS2", 2*time.Hour, "user:sam")}, nil},
		{"just within the window", []*Incident{inc("a", "WS1", 0, "user:sam"), inc("b", "WS2", time.Hour+time.Minute, "user:sam")}, [][]string{{"a", "b"}}},
		{"a merged incident links nothing", []*Incident{inc("a", "WS1", 0, "user:sam"), func() *Incident { i := inc("b", "WS2", 0, "user:sam"); i.MergedInto = "z"; return i }()}, nil},
		{"a chain is one group, kept first by first seen then id", []*Incident{
			inc("c", "WS3", 2*time.Minute, "user:sam"), inc("b", "WS2", time.Minute, "user:sam", "user:kim"),
			inc("a2", "WS1", 0, "user:kim"), inc("a1", "WS4", 0, "user:kim")}, [][]string{{"a1", "a2", "b", "c"}}},
		{"two groups in order of their first id", []*Incident{inc("d", "WS4", 0, "user:kim"), inc("c", "WS3", 0, "user:kim"), inc("b", "WS2", 0, "user:sam"), inc("a", "WS1", 0, "user:sam")}, [][]string{{"a", "b"}, {"c", "d"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := LinkIncidents(tc.incs, time.Hour, nil); !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("groups %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLinkIncidentsLinkable(t *testing.T) {
	incs := []*Incident{inc("a", "WS1", 0, "user:sam"), inc("b", "WS2", 0, "user:sam")}
	never := func(a, b *Incident) bool { return false }
	if got := LinkIncidents(incs, time.Hour, never); got != nil {
		t.Errorf("groups %v where nothing is linkable", got)
	}
}

func TestLinkKeysAndProbes(t *testing.T) {
	in := inc("a", "WS1.corp.example", 0, "user:CORP\\Sam", "user:SYSTEM", "target:dc01", "link:host:ws9")
	if got, want := LinkKeys(in), []string{"host:ws1", "target:dc01", "user:sam"}; !slices.Equal(got, want) {
		t.Errorf("LinkKeys %v, want %v", got, want)
	}
	if got, want := LinkProbes(in), []string{"host:ws1", "host:ws9", "user:sam"}; !slices.Equal(got, want) {
		t.Errorf("LinkProbes %v, want %v", got, want)
	}
}

func TestMergeInto(t *testing.T) {
	into := inc("a", "WS1", time.Minute, "user:sam", "target:x")
	into.Level = "medium"
	from := inc("b", "WS2", 0, "user:kim", "target:x", "link:host:ws9")
	from.Level, from.Title = "critical", "ransomware"
	at := t0.Add(time.Hour)
	if !MergeInto(into, from, at, "why") {
		t.Fatal("MergeInto reported no change")
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"alert ids", into.AlertIDs, []string{"a-a", "a-b"}},
		{"hosts", into.Hosts, []string{"WS1", "WS2"}},
		{"users", into.Users, []string{"sam", "kim"}},
		{"entities", into.Entities, []string{"target:x"}},
		{"links", into.Links, []string{"host:ws9"}},
		{"first seen", into.FirstSeen, t0},
		{"title", into.Level + " " + into.Title, "critical ransomware"},
		{"merged into", from.MergedInto, "a"},
		{"note kept", into.History[0].Text, "incident b merged into this one: why"},
		{"note merged", from.History[0].Text, "merged into incident a"},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
	if MergeInto(into, from, at, "why") || len(into.History) != 1 {
		t.Errorf("a second merge changed something: history %v", into.History)
	}
}

func TestAbsorb(t *testing.T) {
	stored := inc("a", "WS1", 0, "user:sam")
	stored.AlertIDs = append(stored.AlertIDs, "from-other-partition")
	stored.Hosts = append(stored.Hosts, "SRV9")
	stored.MergedInto = "z"
	node := inc("a", "WS1", 0, "user:sam")
	node.AlertIDs = append(node.AlertIDs, "new")
	node.LastSeen = t0.Add(time.Hour)
	got := Absorb(stored, node)
	if !slices.Equal(got.AlertIDs, []string{"a-a", "new", "from-other-partition"}) || !slices.Equal(got.Hosts, []string{"WS1", "SRV9"}) ||
		got.MergedInto != "z" || !got.LastSeen.Equal(node.LastSeen) {
		t.Errorf("absorbed %+v", got)
	}
	if len(node.AlertIDs) != 2 || node.MergedInto != "" {
		t.Errorf("Absorb changed its argument: %+v", node)
	}
}

// BenchmarkLinkIncidents is one linker round's grouping of 1,000
// incidents, a tenth of them linked in pairs by a user.
func BenchmarkLinkIncidents(b *testing.B) {
	var incs []*Incident
	for i := range 1000 {
		in := inc(fmt.Sprintf("i%04d", i), fmt.Sprintf("WS%04d", i), time.Duration(i)*time.Minute, "target:dc01", fmt.Sprintf("link:host:ws%04d", i+1000))
		if i%20 < 2 {
			in.Users = []string{fmt.Sprintf("user%d", i/20)}
		}
		incs = append(incs, in)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(LinkIncidents(incs, time.Hour, nil)) == 0 {
			b.Fatal("no group")
		}
	}
}
