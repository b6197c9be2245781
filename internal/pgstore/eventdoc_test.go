package pgstore

import (
	"encoding/json"
	"reflect"
	"testing"
)

// docPair builds one event's document both ways: with fieldsDoc and with
// encoding/json over indexDoc's maps, as the store did before.
func docPair(t *testing.T, fields [][2]string, meta [5]string) (got, want indexDoc) {
	t.Helper()
	var d fieldsDoc
	d.reset()
	old := indexDoc{F: map[string][]string{}, M: map[string][]string{}}
	for _, f := range fields {
		d.add(f[0], f[1])
		old.F[f[0]] = append(old.F[f[0]], f[1])
	}
	d.meta = meta
	for i, v := range meta {
		old.M[metaNames[i]] = []string{v}
	}
	wantJSON, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(d.encode(), &got); err != nil {
		t.Fatalf("fieldsDoc's JSON %q does not decode: %v", d.encode(), err)
	}
	if err := json.Unmarshal(wantJSON, &want); err != nil {
		t.Fatal(err)
	}
	return got, want
}

func TestFieldsDocAsEncodingJSON(t *testing.T) {
	tests := []struct {
		name   string
		fields [][2]string
		meta   [5]string
	}{
		{"none", nil, [5]string{}},
		{"plain", [][2]string{{"eventid", "4624"}, {"index", "7"}}, [5]string{"ws01", "test", "windows", "", "security"}},
		{"repeated name", [][2]string{{"tag", "a"}, {"x", "1"}, {"tag", "t3"}, {"tag", "a"}}, [5]string{"h"}},
		{"escapes", [][2]string{{`a"b\c`, "line\nbreak\ttab\r\x01\x1f"}, {"<html>&", "\u2028 é 😀"}}, [5]string{`q"`}},
		{"invalid UTF-8", [][2]string{{"bad\uFFFD", "utf8\xc3\x28x"}, {"cut", "\xe2\x82"}}, [5]string{"\xff"}},
	}
	for _, tc := range tests {
		got, want := docPair(t, tc.fields, tc.meta)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, encoding/json gives %+v", tc.name, got, want)
		}
	}
}

// FuzzFieldsDoc: fieldsDoc's document decodes to encoding/json's for any
// names and values (NUL aside, which jsonSafe removes first).
func FuzzFieldsDoc(f *testing.F) {
	f.Add("eventid", "4624", "image", `c:\windows\system32\cmd.exe`, "ws01")
	f.Add("tag", "a", "tag", "t3", "")
	f.Add("bad\xff", "x\"y\\z\n", "<&>", "\u2028\xe2\x82", "h\x01")
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, host string) {
		n1, n2 = text(n1), text(n2) // as indexer.index gives them
		got, want := docPair(t, [][2]string{{n1, v1}, {n2, v2}, {n1, v2}}, [5]string{host, v1})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v, encoding/json gives %+v", got, want)
		}
	})
}
