package winjson

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/vigilhealth/vigil/internal/event"
)

type readResult struct {
	records  []uint64 // ev.Record of each event
	a        []string // field "a" of each event
	problems []string
}

func readString(t *testing.T, in string, wrap func(io.Reader) io.Reader) readResult {
	t.Helper()
	rd := NewReader(wrap(strings.NewReader(in)), "in.json")
	var res readResult
	var ev event.Event
	for {
		err := rd.Next(&ev)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if ev.Source != "in.json" {
			t.Fatalf("Source = %q", ev.Source)
		}
		a, _ := ev.GetName("a")
		res.records = append(res.records, ev.Record)
		res.a = append(res.a, a)
	}
	st := rd.Stats()
	for _, p := range st.Problems {
		res.problems = append(res.problems, p.Error())
	}
	if st.Records != int64(len(res.a)) || st.Skipped != int64(len(res.problems)) {
		t.Errorf("Stats = %d records, %d skipped; read %d events, %d problems", st.Records, st.Skipped, len(res.a), len(res.problems))
	}
	return res
}

func TestReader(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		records  []uint64
		a        []string
		problems []string // substrings, in order
	}{
		{
			name:    "ndjson",
			in:      "{\"a\":\"1\"}\n{\"a\":\"2\",\"EventRecordID\":99}\n\n{\"a\":\"3\"}\n",
			records: []uint64{1, 99, 4}, a: []string{"1", "2", "3"},
		},
		{
			name:    "ndjson with malformed lines",
			in:      "{\"a\":\"1\"}\n{\"a\": tru}\n{\"a\":\"3\"}\n{\"a\":\"4\n{\"a\":\"5\"}\nnot json\n{\"a\":\"7\"}",
			records: []uint64{1, 3, 5, 7}, a: []string{"1", "3", "5", "7"},
			problems: []string{
				"in.json:2: malformed JSON in the object starting at line 2: byte 6: unexpected 't', want true",
				// A raw line break is accepted inside a string, so the
				// unclosed string runs into the next line and fails there.
				"in.json:5: malformed JSON in the object starting at line 4: byte 10: unexpected 'a', want ',' or '}'",
				"in.json:6: unexpected 'n' where an event object should start",
			},
		},
		{
			name:    "truncated ndjson line",
			in:      "{\"a\":\"1\"}\n{\"a\":\"2\", \"b\": 1\n{\"a\":\"3\"}\n",
			records: []uint64{1, 3}, a: []string{"1", "3"},
			problems: []string{"in.json:3: malformed JSON in the object starting at line 2: byte 17: unexpected '{', want ',' or '}'"},
		},
		{
			name:    "top-level array",
			in:      "[\n  {\n    \"a\": \"1\"\n  },\n  {\n    \"a\": \"2\"\n  }\n]\n",
			records: []uint64{2, 5}, a: []string{"1", "2"},
		},
		{
			name:    "compact array",
			in:      `[{"a":"1"},{"a":"2"}]`,
			records: []uint64{1, 1}, a: []string{"1", "2"},
		},
		{
			name: "array with a malformed element",
			in: "[\n  {\n    \"a\": \"1\",\n    \"b\": {\n      \"c\": x\n    }\n  },\n" +
				"  {\n    \"a\": \"2\"\n  }\n]\n",
			records: []uint64{8}, a: []string{"2"},
			problems: []string{"in.json:5: malformed JSON in the object starting at line 2: byte 38: unexpected 'x', want a value"},
		},
		{
			name: "pretty-printed objects in a row",
			in: "{\n  \"a\": \"1\"\n}\n{\n  \"a\": \"2\",\n  \"x\": {\n    \"y\": [1,,2]\n  }\n}\n" +
				"{\n  \"a\": \"3\"\n}{\"a\":\"4\"}\n",
			records: []uint64{1, 10, 12}, a: []string{"1", "3", "4"},
			problems: []string{"in.json:7: malformed JSON in the object starting at line 4: byte 35: unexpected ',', want a value"},
		},
		{
			name:    "unclosed last object",
			in:      "{\"a\":\"1\"}\n{\"a\":\"2\",\n  \"b\": [1, 2,",
			records: []uint64{1}, a: []string{"1"},
			problems: []string{"in.json:3: malformed JSON in the object starting at line 2: byte 23: unexpected end of input, want a value"},
		},
		{
			name:    "byte-order mark and CRLF",
			in:      "\xef\xbb\xbf{\"a\":\"1\"}\r\n{\"a\":\"2\"}\r\n",
			records: []uint64{1, 2}, a: []string{"1", "2"},
		},
		{
			name:    "snapshot header",
			in:      "---\nsource: x\n---\n{\"a\":\"1\"}\n",
			records: []uint64{4}, a: []string{"1"},
			problems: []string{
				"in.json:1: unexpected '-'", "in.json:2: unexpected 's'", "in.json:3: unexpected '-'",
			},
		},
		{name: "empty", in: "", records: nil, a: nil},
		{name: "blank", in: " \n\t\n", records: nil, a: nil},
	}
	wraps := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	}
	for _, tt := range tests {
		for wname, wrap := range wraps {
			t.Run(tt.name+"/"+wname, func(t *testing.T) {
				got := readString(t, tt.in, wrap)
				if !reflect.DeepEqual(got.records, tt.records) || !reflect.DeepEqual(got.a, tt.a) {
					t.Errorf("records %v, a %q; want %v, %q", got.records, got.a, tt.records, tt.a)
				}
				if len(got.problems) != len(tt.problems) {
					t.Fatalf("problems %q, want %q", got.problems, tt.problems)
				}
				for i, p := range tt.problems {
					if !strings.Contains(got.problems[i], p) {
						t.Errorf("problem %d = %q, want %q", i, got.problems[i], p)
					}
				}
			})
		}
	}
}

func TestReaderObjectTooLarge(t *testing.T) {
	defer func(n int) { maxObject = n }(maxObject)
	maxObject = 100
	in := "{\"a\":\"" + strings.Repeat("x", 300) + "\"}\n{\"a\":\"2\"}\n"
	got := readString(t, in, func(r io.Reader) io.Reader { return r })
	if !reflect.DeepEqual(got.a, []string{"2"}) || len(got.problems) != 1 ||
		!strings.Contains(got.problems[0], "in.json:1: object starting at line 1 is larger than 100 bytes") {
		t.Errorf("a %q, problems %q", got.a, got.problems)
	}
}

func TestReaderKeepsFirstProblems(t *testing.T) {
	in := strings.Repeat("junk\n", MaxProblems+50) + "{\"a\":\"1\"}\n"
	rd := NewReader(strings.NewReader(in), "in.json")
	var ev event.Event
	if err := rd.Next(&ev); err != nil {
		t.Fatal(err)
	}
	st := rd.Stats()
	if st.Skipped != MaxProblems+50 || len(st.Problems) != MaxProblems || ev.Record != MaxProblems+51 {
		t.Errorf("Skipped %d, %d problems, Record %d", st.Skipped, len(st.Problems), ev.Record)
	}
	var p *Problem
	if !errors.As(st.Problems[0], &p) || p.File != "in.json" || p.Line != 1 {
		t.Errorf("first problem = %#v", st.Problems[0])
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("{\"a\":\"1\"}\n{\"a\":"), iotest.ErrReader(boom))
	rd := NewReader(r, "in.json")
	var ev event.Event
	if err := rd.Next(&ev); err != nil {
		t.Fatalf("first Next: %v", err)
	}
	err := rd.Next(&ev)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "in.json") {
		t.Errorf("second Next = %v, want the read error naming the file", err)
	}
}
