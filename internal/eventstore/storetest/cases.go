package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
)

func testEmpty(t *testing.T, s eventstore.Store) {
	if p := position(t, s); p != 0 {
		t.Fatalf("Position of an empty store = %d", p)
	}
	if st := stats(t, s); st.Events != 0 || st.Position != 0 || !st.Oldest.IsZero() {
		t.Fatalf("Stats of an empty store = %+v", st)
	}
	r := search(t, s, eventstore.Query{Buckets: 4})
	if r.Matched != 0 || len(r.Events) != 0 {
		t.Fatalf("an empty store found %+v", r)
	}
}

func testAppendReplay(t *testing.T, s eventstore.Store) {
	evs := Numbered(15)
	appendRecs(t, s, Records(1, evs[:10]...))
	if p := position(t, s); p != 10 {
		t.Fatalf("Position = %d, want 10", p)
	}
	appendRecs(t, s, Records(5, evs[4:]...)) // a restart replays from 5
	appendRecs(t, s, Records(1, evs[:3]...))
	if p := position(t, s); p != 15 {
		t.Fatalf("Position after replay = %d, want 15", p)
	}
	r := search(t, s, eventstore.Query{Limit: 100})
	if got := sortedSeqs(r); !slices.Equal(got, span(1, 15)) || r.Matched != 15 {
		t.Fatalf("after replay the store holds %v (%d matched), want 1..15 once each", got, r.Matched)
	}
	if st := stats(t, s); st.Events != 15 || st.Position != 15 || !st.Oldest.Equal(Base) || !st.Newest.Equal(Base.Add(14*time.Minute)) {
		t.Fatalf("Stats = %+v", st)
	}
}

func testGaps(t *testing.T, s eventstore.Store) {
	evs := Numbered(3)
	appendRecs(t, s, []eventstore.Record{{Seq: 3, Data: evs[0].Encode()}, {Seq: 7, Data: evs[1].Encode()}, {Seq: 7, Data: evs[2].Encode()}})
	if p := position(t, s); p != 7 {
		t.Fatalf("Position = %d, want 7", p)
	}
	if got := sortedSeqs(search(t, s, eventstore.Query{})); !slices.Equal(got, []uint64{3, 7}) {
		t.Fatalf("stored %v, want [3 7]: a repeated Seq is ignored", got)
	}
}

func testOrderAndLimit(t *testing.T, s eventstore.Store) {
	evs := Numbered(6)
	evs[2].Time = evs[4].Time // a tie: the higher Seq first
	evs[5].Time = Base.Add(-time.Hour)
	appendRecs(t, s, Records(1, evs...))
	r := search(t, s, eventstore.Query{})
	if got, want := seqs(r), []uint64{5, 3, 4, 2, 1, 6}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v (newest first, ties by Seq descending)", got, want)
	}
	r = search(t, s, eventstore.Query{Limit: 2})
	if got := seqs(r); !slices.Equal(got, []uint64{5, 3}) || r.Matched != 6 || !r.Truncated {
		t.Fatalf("limit 2: %v, matched %d, truncated %v", got, r.Matched, r.Truncated)
	}
}

func testTimeRange(t *testing.T, s eventstore.Store) {
	evs := Numbered(20)
	untimed := Event{Host: "WS99", Fields: [][2]string{{"EventID", "1"}}}
	appendRecs(t, s, Records(1, append(evs, untimed)...))
	tests := []struct {
		name         string
		since, until time.Time
		want         []uint64
	}{
		{"closed", Base.Add(5 * time.Minute), Base.Add(8 * time.Minute), span(6, 8)},
		{"since only", Base.Add(17 * time.Minute), time.Time{}, span(18, 20)},
		{"until only (untimed events are before all)", time.Time{}, Base.Add(2 * time.Minute), []uint64{1, 2, 21}},
		{"empty window", Base.Add(time.Hour), Base.Add(2 * time.Hour), nil},
	}
	for _, tt := range tests {
		r := search(t, s, eventstore.Query{Since: tt.since, Until: tt.until})
		if got := sortedSeqs(r); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// corpus is a small estate's events for the query cases.
func corpus() []Event {
	win := event.LogSource{Product: "windows", Service: "security"}
	sysmon := event.LogSource{Product: "windows", Category: "process_creation"}
	at := func(m int) time.Time { return Base.Add(time.Duration(m) * time.Minute) }
	return []Event{
		{Time: at(0), Host: "WS01", Source: "http", LogSource: win, Fields: [][2]string{{"EventID", "4624"}, {"TargetUserName", "alice"}, {"LogonType", "2"}}},
		{Time: at(1), Host: "WS02", Source: "http", LogSource: win, Fields: [][2]string{{"EventID", "4625"}, {"TargetUserName", "bob"}, {"LogonType", "3"}}},
		{Time: at(2), Host: "WS02", Source: "syslog", LogSource: sysmon, Fields: [][2]string{{"EventID", "1"}, {"Image", `C:\Tools\Mimikatz.exe`}, {"CommandLine", `mimikatz.exe "sekurlsa::logonpasswords" exit`}}},
		{Time: at(3), Source: "http", LogSource: sysmon, Fields: [][2]string{{"EventID", "1"}, {"Computer", "DC01"}, {"Image", `C:\Windows\System32\cmd.exe`}, {"CommandLine", "cmd /c whoami"}}},
		{Time: at(4), Host: "WS01", Source: "http", LogSource: win, Fields: [][2]string{{"EventID", "4625"}, {"TargetUserName", "Alice"}, {"LogonType", "10"}}},
		{Time: at(5), Host: "fw1", Source: "syslog", LogSource: event.LogSource{Product: "fortinet"}, Fields: [][2]string{{"msg", "deny tcp 10.0.0.5:445"}, {"Tag", "a"}, {"Tag", "b"}}},
	}
}

// queryCases checks each query's matches (Seq of the corpus, 1-based).
func queryCases(t *testing.T, s eventstore.Store, cases []struct {
	q    string
	want []uint64
}) {
	t.Helper()
	appendRecs(t, s, Records(1, corpus()...))
	for _, c := range cases {
		r := search(t, s, eventstore.Query{Text: c.q})
		if got := sortedSeqs(r); !slices.Equal(got, c.want) || r.Matched != int64(len(c.want)) {
			t.Errorf("%s: got %v (matched %d), want %v", c.q, got, r.Matched, c.want)
		}
	}
}

func testFields(t *testing.T, s eventstore.Store) {
	queryCases(t, s, []struct {
		q    string
		want []uint64
	}{
		{"EventID:4625", []uint64{2, 5}},
		{"eventid=4625", []uint64{2, 5}},
		{"targetusername:ALICE", []uint64{1, 5}},
		{`Image:*\mimikatz.exe`, []uint64{3}},
		{`Image:c:\windows\*`, []uint64{4}},
		{`CommandLine:"cmd /c whoami"`, []uint64{4}},
		{`CommandLine:cmd`, nil},
		{"LogonType>2", []uint64{2, 5}},
		{"LogonType>=3", []uint64{2, 5}},
		{"LogonType<3", []uint64{1}},
		{"LogonType<=2", []uint64{1}},
		{"host:ws02", []uint64{2, 3}},
		{"host:DC01", []uint64{4}},
		{"host:ws*", []uint64{1, 2, 3, 5}},
		{"source:syslog", []uint64{3, 6}},
		{"product:fortinet", []uint64{6}},
		{"category:process_creation", []uint64{3, 4}},
		{"service:security", []uint64{1, 2, 5}},
		{"Tag:b", []uint64{6}},
		{"NoSuchField:x", nil},
		{"EventID:*", []uint64{1, 2, 3, 4, 5}},
	})
}

func testFreeText(t *testing.T, s eventstore.Store) {
	queryCases(t, s, []struct {
		q    string
		want []uint64
	}{
		{"mimikatz", []uint64{3}},
		{"MIMI", []uint64{3}},
		{`"logonpasswords"`, []uint64{3}},
		{`"deny tcp"`, []uint64{6}},
		{"10.0.0.5", []uint64{6}},
		{"alice", []uint64{1, 5}},
		{"ws0", []uint64{1, 2, 3, 5}}, // hosts are searched too
		{"process_creation", []uint64{3, 4}},
		{"who*mi", []uint64{4}},
		{"nowhere-to-be-found", nil},
	})
}

func testNotOr(t *testing.T, s eventstore.Store) {
	queryCases(t, s, []struct {
		q    string
		want []uint64
	}{
		{"EventID:4625 OR EventID:1", []uint64{2, 3, 4, 5}},
		{"EventID:4625 -host:ws01", []uint64{2}},
		{"EventID:4625 NOT host:ws01", []uint64{2}},
		{"NOT EventID:*", []uint64{6}},
		{"(host:ws01 OR host:ws02) AND EventID:4625", []uint64{2, 5}},
		{"host:ws01 OR host:ws02 EventID:1", []uint64{1, 3, 5}},
		{"-(EventID:4625 OR EventID:4624) -fortinet", []uint64{3, 4}},
	})
}

func testHistogram(t *testing.T, s eventstore.Store) {
	appendRecs(t, s, Records(1, Numbered(50)...))
	tests := []struct {
		name  string
		q     eventstore.Query
		first time.Time
	}{
		{"open range", eventstore.Query{Text: "EventID:4624", Buckets: 7}, Base},
		{"closed range", eventstore.Query{Since: Base.Add(10 * time.Minute), Until: Base.Add(30 * time.Minute), Buckets: 4}, Base.Add(10 * time.Minute)},
		{"few matches", eventstore.Query{Text: "Index:3 OR Index:40", Buckets: 10}, Base.Add(3 * time.Minute)},
	}
	for _, tt := range tests {
		r := search(t, s, tt.q)
		var sum int64
		for _, b := range r.Histogram {
			sum += b.Count
		}
		if len(r.Histogram) != tt.q.Buckets || sum != r.Matched || r.Matched == 0 || !r.Histogram[0].Start.Equal(tt.first) {
			t.Errorf("%s: %d buckets from %v adding up to %d, want %d from %v adding up to %d", tt.name, len(r.Histogram), r.Histogram[0].Start, sum, tt.q.Buckets, tt.first, r.Matched)
		}
	}
	r := search(t, s, eventstore.Query{Since: Base, Until: Base.Add(40 * time.Minute), Buckets: 4})
	for i, b := range r.Histogram {
		if b.Count != 10 || !b.Start.Equal(Base.Add(time.Duration(10*i)*time.Minute)) {
			t.Fatalf("bucket %d of 40 one-a-minute events over 40 minutes: %+v, want 10 from minute %d", i, b, 10*i)
		}
	}
}

func testHitContent(t *testing.T, s eventstore.Store) {
	appendRecs(t, s, Records(1, corpus()...))
	r := search(t, s, eventstore.Query{Text: "mimikatz"})
	if len(r.Events) != 1 {
		t.Fatalf("found %d events", len(r.Events))
	}
	h := r.Events[0]
	c := corpus()[2]
	if h.Seq != 3 || !h.Time.Equal(c.Time) || h.Host != "WS02" || h.Source != "syslog" || h.LogSource.Category != "process_creation" {
		t.Fatalf("hit %+v does not describe event 3", h)
	}
	if v, _ := h.Fields.Get("CommandLine"); v != c.Fields[2][1] {
		t.Fatalf("CommandLine = %q, want %q", v, c.Fields[2][1])
	}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	want := `"fields":{"EventID":"1","Image":"C:\\Tools\\Mimikatz.exe","CommandLine":"mimikatz.exe \"sekurlsa::logonpasswords\" exit"}`
	if !strings.Contains(string(b), want) || !strings.Contains(string(b), `"logsource":{"product":"windows","category":"process_creation"}`) {
		t.Fatalf("JSON %s lacks %s", b, want)
	}
	r = search(t, s, eventstore.Query{Text: "host:DC01"})
	if len(r.Events) != 1 || r.Events[0].Host != "DC01" {
		t.Fatalf("an event without Host shows its Computer: %+v", r.Events)
	}
	r = search(t, s, eventstore.Query{Text: "fortinet"})
	if b, _ := json.Marshal(r.Events[0].Fields); string(b) != `{"msg":"deny tcp 10.0.0.5:445","Tag":["a","b"]}` {
		t.Fatalf("a repeated field marshals as %s", b)
	}
}

func testBadQuery(t *testing.T, s eventstore.Store) {
	_, err := s.Search(context.Background(), eventstore.Query{Text: "EventID:1 (host:x"})
	var se *eventstore.SyntaxError
	if !errors.As(err, &se) || se.Column != 18 {
		t.Fatalf("Search with a bad query: %v, want a SyntaxError at column 18", err)
	}
	if _, err := s.Search(context.Background(), eventstore.Query{Since: Base, Until: Base}); err == nil {
		t.Fatal("an empty time range was accepted")
	}
	if _, err := s.Search(context.Background(), eventstore.Query{Buckets: eventstore.MaxBuckets + 1}); err == nil {
		t.Fatal("too many buckets were accepted")
	}
}

func testClosed(t *testing.T, s eventstore.Store) {
	appendRecs(t, s, Records(1, Numbered(2)...))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := context.Background()
	if err := s.Append(ctx, Records(3, Numbered(1)...)); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	if _, err := s.Search(ctx, eventstore.Query{}); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("Search after Close: %v", err)
	}
	if err := s.Close(); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

func testReopen(t *testing.T, open Opener) {
	dir := t.TempDir()
	opts := eventstore.Options{SegmentBytes: 8 << 10}
	s := open(t, dir, opts)
	appendRecs(t, s, Records(1, Numbered(300)...))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, opts)
	defer s.Close()
	if p := position(t, s); p != 300 {
		t.Fatalf("Position after reopening = %d, want 300", p)
	}
	r := search(t, s, eventstore.Query{Text: "Index:123 OR Index:299 OR Index:0"})
	if got := sortedSeqs(r); !slices.Equal(got, []uint64{1, 124, 300}) {
		t.Fatalf("after reopening found %v", got)
	}
	appendRecs(t, s, Records(301, Numbered(1)...))
	// A segment store has sealed some by now; a database has none (Stats.Segments 0).
	if st := stats(t, s); st.Events != 301 || st.Position != 301 || st.Segments == 1 {
		t.Fatalf("Stats after appending to a reopened store: %+v", st)
	}
}

func retain(t *testing.T, s eventstore.Store) {
	t.Helper()
	r, ok := s.(eventstore.Retainer)
	if !ok {
		t.Fatalf("%T does not implement eventstore.Retainer", s)
	}
	if err := r.Retain(context.Background()); err != nil {
		t.Fatalf("Retain: %v", err)
	}
}

func testRetentionByAge(t *testing.T, open Opener) {
	now := Base.Add(300 * time.Minute)
	clock := func() time.Time { return now }
	dir := t.TempDir()
	s := open(t, dir, eventstore.Options{MaxAge: 100 * time.Minute, SegmentBytes: 8 << 10, Now: clock})
	defer s.Close()
	for i, e := range Numbered(300) { // each event written at its own time
		now = e.Time
		appendRecs(t, s, Records(uint64(i+1), e))
	}
	now = Base.Add(300 * time.Minute)
	retain(t, s)
	cutoff := now.Add(-100 * time.Minute)
	st := stats(t, s)
	// Whole segments go: the one that straddles the cutoff stays.
	if st.Events > 200 || st.Oldest.Before(Base.Add(100*time.Minute)) || st.Position != 300 {
		t.Fatalf("after retention by age: %+v, want the segments before %v gone", st, cutoff)
	}
	r := search(t, s, eventstore.Query{Since: cutoff})
	if r.Matched != 100 {
		t.Fatalf("%d events at or after the cutoff kept, want all 100", r.Matched)
	}
	now = Base.Add(24 * time.Hour) // all expired, the active segment too
	retain(t, s)
	if st := stats(t, s); st.Events != 0 || st.Position != 300 {
		t.Fatalf("after everything expired: %+v, want no events at position 300", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, eventstore.Options{MaxAge: 100 * time.Minute, Now: clock})
	defer s.Close()
	if p := position(t, s); p != 300 {
		t.Fatalf("Position of a reopened store whose events all expired = %d, want 300", p)
	}
}

func testRetentionBySize(t *testing.T, open Opener) {
	const maxBytes = 96 << 10
	s := open(t, t.TempDir(), eventstore.Options{MaxBytes: maxBytes})
	defer s.Close()
	evs := Numbered(3000)
	for i := 0; i < len(evs); i += 100 {
		appendRecs(t, s, Records(uint64(i+1), evs[i:i+100]...))
	}
	retain(t, s)
	st := stats(t, s)
	if st.Bytes > maxBytes || st.Events >= 3000 || st.Events < 100 || st.Position != 3000 {
		t.Fatalf("after retention by size: %+v, want at most %d bytes, some events, position 3000", st, maxBytes)
	}
	r := search(t, s, eventstore.Query{Limit: 1})
	if len(r.Events) != 1 || r.Events[0].Seq != 3000 || r.Matched != st.Events {
		t.Fatalf("newest kept: %v of %d, want 3000 of %d", seqs(r), r.Matched, st.Events)
	}
}

func testTornTail(t *testing.T, open Opener, tear func(t *testing.T, dir string)) {
	dir := t.TempDir()
	s := open(t, dir, eventstore.Options{})
	appendRecs(t, s, Records(1, Numbered(40)...))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tear(t, dir)
	s = open(t, dir, eventstore.Options{})
	defer s.Close()
	if p := position(t, s); p != 40 {
		t.Fatalf("Position after a torn tail = %d, want 40", p)
	}
	appendRecs(t, s, Records(41, Numbered(1)...))
	r := search(t, s, eventstore.Query{Limit: 100})
	if got := sortedSeqs(r); !slices.Equal(got, span(1, 41)) {
		t.Fatalf("after recovering from a torn tail the store holds %v", got)
	}
	for _, h := range r.Events {
		if v, _ := h.Fields.Get("Index"); h.Seq <= 40 && v != fmt.Sprint(h.Seq-1) {
			t.Fatalf("record %d came back as %+v", h.Seq, h)
		}
	}
}
