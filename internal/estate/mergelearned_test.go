package estate

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMergeLearned(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	office := func(v string) Software {
		return Software{Vendor: "Microsoft Corporation", Product: "Microsoft Office", Version: v, Path: `C:\Office\` + v + `\winword.exe`}
	}
	acrobat := Software{Vendor: "Adobe", Product: "Acrobat Reader", Version: "24.1"}
	tests := []struct {
		name  string
		lists [][]Asset
		want  []Asset
	}{
		{name: "none", lists: nil, want: []Asset{}},
		{
			name: "one node's list comes back as it is",
			lists: [][]Asset{{
				{Name: "WS1.trust.nhs.uk", OS: "Windows 10", IP: "10.0.0.1", Sources: []string{"events"}, FirstSeen: at(0), LastSeen: at(1)},
				{Name: "WS2", Software: []Software{acrobat}},
			}},
			want: []Asset{
				{Name: "WS1.trust.nhs.uk", OS: "Windows 10", IP: "10.0.0.1", Sources: []string{"events"}, FirstSeen: at(0), LastSeen: at(1)},
				{Name: "WS2", Software: []Software{acrobat}},
			},
		},
		{
			name: "different hosts on two nodes: both, in order of first appearance",
			lists: [][]Asset{
				{{Name: "WARD7-PC03", OS: "Windows 7", LastSeen: at(2)}},
				{{Name: "DC01", OS: "Windows Server 2012 R2", LastSeen: at(1)}, {Name: "LAB-PC1", LastSeen: at(3)}},
			},
			want: []Asset{
				{Name: "WARD7-PC03", OS: "Windows 7", LastSeen: at(2)},
				{Name: "DC01", OS: "Windows Server 2012 R2", LastSeen: at(1)},
				{Name: "LAB-PC1", LastSeen: at(3)},
			},
		},
		{
			name: "one host on two nodes: the latest observation wins, the older fills gaps",
			lists: [][]Asset{
				// The node that held the host's partition before it moved.
				{{Name: "ws9.trust.nhs.uk", OS: "Windows 10 Enterprise", OSVersion: "10.0.19045", IP: "10.0.0.9", Owner: "IT",
					Sources: []string{"events"}, FirstSeen: at(0), LastSeen: at(5)}},
				// The node that holds it now: a new address, the OS since upgraded.
				{{Name: "WS9", OS: "Windows 11 Enterprise", OSVersion: "10.0.26100", IP: "10.0.1.9",
					Sources: []string{"events"}, FirstSeen: at(6), LastSeen: at(9)}},
			},
			want: []Asset{{Name: "ws9.trust.nhs.uk", OS: "Windows 11 Enterprise", OSVersion: "10.0.26100", IP: "10.0.1.9", Owner: "IT",
				Sources: []string{"events"}, FirstSeen: at(0), LastSeen: at(9)}},
		},
		{
			name: "an older node's address stands where the latest has none",
			lists: [][]Asset{
				{{Name: "WS4", LastSeen: at(9)}},
				{{Name: "ws4", IP: "10.0.0.4", LastSeen: at(2)}},
			},
			want: []Asset{{Name: "WS4", IP: "10.0.0.4", LastSeen: at(9)}},
		},
		{
			name: "software is the union, each program at its highest version",
			lists: [][]Asset{
				{{Name: "WS5", Software: []Software{office("16.0.5"), acrobat}, Sources: []string{"events"}, LastSeen: at(1)}},
				{{Name: "WS5", Software: []Software{office("16.0.17")}, Sources: []string{"events", "node-b"}, LastSeen: at(2)}},
			},
			want: []Asset{{Name: "WS5", Software: []Software{office("16.0.17"), acrobat}, Sources: []string{"events", "node-b"}, LastSeen: at(2)}},
		},
		{
			name: "a later node with a lower version of a program keeps the higher",
			lists: [][]Asset{
				{{Name: "WS6", Software: []Software{office("16.0.17")}, LastSeen: at(1)}},
				{{Name: "WS6", Software: []Software{office("16.0.9")}, LastSeen: at(2)}},
			},
			want: []Asset{{Name: "WS6", Software: []Software{office("16.0.17")}, LastSeen: at(2)}},
		},
		{
			name: "first seen is the earliest of any node, a zero time counts as unknown",
			lists: [][]Asset{
				{{Name: "WS7", FirstSeen: at(4), LastSeen: at(4)}},
				{{Name: "WS7"}},
				{{Name: "WS7", FirstSeen: at(1), LastSeen: at(2)}},
			},
			want: []Asset{{Name: "WS7", FirstSeen: at(1), LastSeen: at(4)}},
		},
		{
			name: "observations of equal time: the earlier list wins",
			lists: [][]Asset{
				{{Name: "WS8", OS: "Windows 10", LastSeen: at(1)}},
				{{Name: "WS8", OS: "Windows 11", LastSeen: at(1)}},
			},
			want: []Asset{{Name: "WS8", OS: "Windows 10", LastSeen: at(1)}},
		},
		{
			name: "an IP address is a host of its own; unnamed assets stay apart",
			lists: [][]Asset{
				{{Name: "10.0.0.7", OS: "Linux", LastSeen: at(1)}, {OS: "a"}},
				{{Name: "10.0.0.7", Vendor: "Philips", LastSeen: at(2)}, {Name: "10.0.0.70"}, {OS: "b"}},
			},
			want: []Asset{{Name: "10.0.0.7", Vendor: "Philips", OS: "Linux", LastSeen: at(2)}, {OS: "a"}, {Name: "10.0.0.70"}, {OS: "b"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := jsonOf(t, tc.lists)
			got := MergeLearned(tc.lists...)
			if g, w := jsonOf(t, got), jsonOf(t, tc.want); g != w {
				t.Errorf("merged:\n got %s\nwant %s", g, w)
			}
			if after := jsonOf(t, tc.lists); after != before {
				t.Errorf("the lists changed:\n was %s\n now %s", before, after)
			}
		})
	}
}

// TestMergeLearnedIsStable: merging what was merged, with another node's
// list, gives what merging everything at once gives, as a store that
// merges duplicates on save and every node on reading does.
func TestMergeLearnedIsStable(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := []Asset{{Name: "WS1", OS: "Windows 10", LastSeen: t0}, {Name: "ws1.trust", IP: "10.0.0.1", LastSeen: t0.Add(time.Hour)}}
	b := []Asset{{Name: "WS1", OS: "Windows 11", LastSeen: t0.Add(2 * time.Hour)}, {Name: "WS2"}}
	once := jsonOf(t, MergeLearned(a, b))
	if twice := jsonOf(t, MergeLearned(MergeLearned(a), b)); twice != once {
		t.Errorf("merged in two steps:\n got %s\nwant %s", twice, once)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzMergeLearned: whatever the nodes saved, the merge lists each host
// once, none lost, with the latest last-seen time and the earliest
// first-seen time of any node, and merging the result again changes
// nothing. Each line of the input is one node; each field "name@hour" one
// asset ("@" alone: unnamed).
func FuzzMergeLearned(f *testing.F) {
	f.Add("WS1@3 ws1.trust@5 10.0.0.7@1\nWS1@9 DC01@2\n@ DC01.trust@1")
	f.Add("a@1 A@1 a.b@0\n\n.x@2 .X@3")
	f.Add("WARD7-PC03.trust.nhs.uk@4\nward7-pc03@7 ward7-pc03@2")
	f.Fuzz(func(t *testing.T, in string) {
		t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		var lists [][]Asset
		type span struct{ first, last time.Time }
		want := map[string]span{}
		for line := range strings.SplitSeq(in, "\n") {
			var list []Asset
			for field := range strings.FieldsSeq(line) {
				name, hour, _ := strings.Cut(field, "@")
				h, _ := strconv.Atoi(hour)
				at := t0.Add(time.Duration(h%1000) * time.Hour)
				list = append(list, Asset{Name: name, OS: field, FirstSeen: at, LastSeen: at.Add(time.Hour)})
				if k := hostKey(name); k != "" {
					s, ok := want[k]
					if !ok || at.Before(s.first) {
						s.first = at
					}
					s.last = latest(s.last, at.Add(time.Hour))
					want[k] = s
				}
			}
			lists = append(lists, list)
		}
		got := MergeLearned(lists...)
		seen := map[string]bool{}
		for _, a := range got {
			k := hostKey(a.Name)
			if k == "" {
				continue
			}
			if seen[k] {
				t.Fatalf("host %q listed twice: %+v", k, got)
			}
			seen[k] = true
			if w := want[k]; !a.FirstSeen.Equal(w.first) || !a.LastSeen.Equal(w.last) {
				t.Errorf("host %q seen %v to %v, want %v to %v", k, a.FirstSeen, a.LastSeen, w.first, w.last)
			}
		}
		if len(seen) != len(want) {
			t.Errorf("%d hosts merged, %d given", len(seen), len(want))
		}
		if again := jsonOf(t, MergeLearned(got)); again != jsonOf(t, got) {
			t.Errorf("merging the merge changed it:\n was %s\n now %s", jsonOf(t, got), again)
		}
	})
}
