package event

import (
	"fmt"
	"reflect"
	"testing"
)

func TestInternIsCaseInsensitive(t *testing.T) {
	a := Intern("CommandLine")
	if b := Intern("commandline"); a != b {
		t.Fatalf("Intern(commandline) = %d, want %d", b, a)
	}
	if got := a.String(); got != "CommandLine" {
		t.Fatalf("spelling = %q, want first spelling CommandLine", got)
	}
	if id := InternBytes([]byte("COMMANDLINE")); id != a {
		t.Fatalf("InternBytes = %d, want %d", id, a)
	}
}

func TestEventRepeatedFieldsAndReset(t *testing.T) {
	var e Event
	data := Intern("Data")
	img := Intern("Image")
	e.Add(data, "one")
	e.Add(img, `C:\Windows\System32\CMD.exe`)
	e.Add(data, "two")
	var got []string
	for i := e.Index(data); i >= 0; i = e.Next(i) {
		got = append(got, e.Value(i))
	}
	if !reflect.DeepEqual(got, []string{"one", "two"}) {
		t.Fatalf("values of Data = %q", got)
	}
	if i := e.Index(img); e.Lower(i) != `c:\windows\system32\cmd.exe` {
		t.Fatalf("Lower = %q", e.Lower(i))
	}
	m := e.Map()
	if !reflect.DeepEqual(m["Data"], []string{"one", "two"}) || m["Image"] != `C:\Windows\System32\CMD.exe` {
		t.Fatalf("Map = %v", m)
	}
	c := e.Clone()
	e.Reset()
	if e.Has(data) || e.Len() != 0 {
		t.Fatalf("Reset left fields behind")
	}
	if v, ok := c.Get(data); !ok || v != "one" {
		t.Fatalf("clone lost its fields: %q %v", v, ok)
	}
	e.Add(img, "x")
	if v, _ := e.Get(img); v != "x" || e.Has(data) {
		t.Fatalf("after reuse Get(Image) = %q, Has(Data) = %v", v, e.Has(data))
	}
}

func TestToLowerASCII(t *testing.T) {
	for in, want := range map[string]string{"abc": "abc", "AbC": "abc", "ÄBC": "äbc", "": ""} {
		if got := ToLowerASCII(in); got != want {
			t.Errorf("ToLowerASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkEventFill(b *testing.B) {
	ids := []FieldID{Intern("Image"), Intern("CommandLine"), Intern("ParentImage"), Intern("User"), EventID, Channel}
	var e Event
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		for _, id := range ids {
			e.Add(id, "value")
		}
		if _, ok := e.Get(ids[3]); !ok {
			b.Fatal("missing")
		}
	}
}

func TestCopyFromOutlivesSource(t *testing.T) {
	img := Intern("Image")
	var src, dst Event
	buf := []byte("C:\\a.exe")
	src.AddBytes(img, buf)
	src.Host = "ward-pc-01"
	buf[0] = 'X' // AddBytes copied: the event must not see this
	dst.CopyFrom(&src)
	src.Reset()
	src.AddBytes(img, []byte("overwrite-the-arena"))
	if v, _ := dst.Get(img); v != "C:\\a.exe" || dst.Host != "ward-pc-01" {
		t.Fatalf("copy changed with its source: Image=%q Host=%q", v, dst.Host)
	}
	if allocs := testing.AllocsPerRun(100, func() { dst.CopyFrom(&src) }); allocs != 0 {
		t.Fatalf("CopyFrom into a warm event allocates %v times", allocs)
	}
}

func TestNameTableIsBounded(t *testing.T) {
	for i := NumFields(); i < MaxFields+10; i++ {
		Intern(fmt.Sprintf("hostile_%d", i))
	}
	if n := NumFields(); n != MaxFields {
		t.Fatalf("name table holds %d names, want at most %d", n, MaxFields)
	}
	id := Intern("one_name_too_many")
	if id != Overflow {
		t.Fatalf("a name past the limit got id %d, want the overflow field %d", id, Overflow)
	}
	var e Event
	e.Add(id, "kept")
	if v, ok := e.Get(Overflow); !ok || v != "kept" {
		t.Fatalf("overflowed value lost: %q %v", v, ok)
	}
}

// TestGrow checks that a presized event takes its values with one
// allocation for them and one for its field table, however many there
// are, and that growing keeps the values already added.
func TestGrow(t *testing.T) {
	id := Intern("GrowTest")
	for _, n := range []int{1, 6, 40} {
		allocs := testing.AllocsPerRun(20, func() {
			e := new(Event)
			e.Grow(n)
			for range n {
				e.Add(id, "v")
			}
			if e.Len() != n {
				t.Fatalf("Len = %d, want %d", e.Len(), n)
			}
		})
		if allocs > 3 { // the event, its values, its field table
			t.Errorf("%d values: %.1f allocations, want at most 3", n, allocs)
		}
	}
	var e Event
	e.Add(id, "first")
	e.Grow(100)
	e.Add(id, "second")
	var got []string
	for i := e.Index(id); i >= 0; i = e.Next(i) {
		got = append(got, e.Value(i))
	}
	if !reflect.DeepEqual(got, []string{"first", "second"}) {
		t.Fatalf("values after Grow = %q", got)
	}
}
