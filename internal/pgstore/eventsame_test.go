package pgstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// sameCorpus is events of several shapes: plain logons, process
// creations with paths and mixed case, metadata-only hosts (Computer),
// empty and odd values (a NUL, invalid UTF-8, LIKE's wildcards).
func sameCorpus() []storetest.Event {
	evs := storetest.Numbered(120)
	procs := []string{`C:\Windows\System32\cmd.exe`, `C:\Tools\Mimikatz.EXE`, `C:\Program Files\100%_done.exe`, "bad\xffutf8.exe", "nul\x00byte.exe", ""}
	for i, p := range procs {
		evs = append(evs, storetest.Event{
			Time: storetest.Base.Add(time.Duration(i)*time.Hour + 30*time.Second), Source: "sysmon",
			LogSource: event.LogSource{Product: "windows", Category: "process_creation"},
			Fields:    [][2]string{{"Computer", fmt.Sprintf("SRV-%d.corp.local", i)}, {"Image", p}, {"EventID", "1"}, {"Score", fmt.Sprint(i * 10)}, {"Tag", "a"}, {"Tag", fmt.Sprint("t", i)}},
		})
	}
	evs = append(evs, storetest.Event{Host: "FW1", Source: "syslog", Fields: [][2]string{{"msg", "deny tcp 10.0.0.5:445"}}}) // no time
	return evs
}

// TestSearchSameAsFileStore: the PostgreSQL event store answers every
// query exactly as the embedded segment store does over the same events:
// the same hits in the same order, counts and histograms.
func TestSearchSameAsFileStore(t *testing.T) {
	ctx := context.Background()
	local, err := eventstore.Open(t.TempDir(), eventstore.Options{SegmentBytes: 4 << 10, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	pg := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	recs := storetest.Records(1, sameCorpus()...)
	for _, s := range []eventstore.Store{local, pg} {
		if err := s.Append(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	since, until := storetest.Base.Add(10*time.Minute), storetest.Base.Add(3*time.Hour)
	queries := []eventstore.Query{
		{}, {Limit: 5}, {Text: "EventID:4624"}, {Text: "eventid:4624 Index:7"}, {Text: "Index:7 OR Index:70 OR host:srv-2.corp.local"},
		{Text: "NOT EventID:4624"}, {Text: "-EventID:4624 -Tag:a"}, {Text: "mimikatz"}, {Text: `image:*\mimikatz.exe`},
		{Text: `Image:"c:\windows\system32\cmd.exe"`}, {Text: "image:c:*"}, {Text: `"100%_done"`}, {Text: "100%"}, {Text: "_done"},
		{Text: "Score>=20 Score<40"}, {Text: "Score>1000"}, {Text: "Tag:t3"}, {Text: "tag:A EventID:1"}, {Text: "host:fw1"},
		{Text: "host:SRV-*"}, {Text: "source:sysmon category:process_creation"}, {Text: "product:windows service:security Index:5"},
		{Text: "logon number"}, {Text: `"logon number 11"`}, {Text: "utf8.exe"}, {Text: "byte.exe"}, {Text: "Image:\"\""},
		{Text: "deny 445"}, {Text: "(Index:1 OR Index:2) EventID:4624"}, {Text: "nosuchfield:x"}, {Text: "x*y"},
		{Text: "EventID:4624", Since: since, Until: until, Buckets: 9}, {Since: since, Buckets: 4}, {Until: until, Limit: 3},
		{Text: "EventID:1", Buckets: 5}, {Text: "Image:*exe", Limit: 2},
	}
	for _, q := range queries {
		want, err := local.Search(ctx, q)
		if err != nil {
			t.Fatalf("file store, %q: %v", q.Text, err)
		}
		got, err := pg.Search(ctx, q)
		if err != nil {
			t.Fatalf("PostgreSQL, %q: %v", q.Text, err)
		}
		if !slices.Equal(hitSeqs(got), hitSeqs(want)) || got.Matched != want.Matched || got.Truncated != want.Truncated ||
			!slices.Equal(got.Histogram, want.Histogram) {
			t.Errorf("query %q (since %v, until %v): PostgreSQL found %v of %d, histogram %v; the file store %v of %d, histogram %v",
				q.Text, q.Since, q.Until, hitSeqs(got), got.Matched, got.Histogram, hitSeqs(want), want.Matched, want.Histogram)
		}
	}
}

func hitSeqs(r *eventstore.Result) []uint64 {
	out := make([]uint64, len(r.Events))
	for i, h := range r.Events {
		out[i] = h.Seq
	}
	return out
}

// TestSearchUsesIndexes: the conditions every match meets reach SQL, so
// that a selective query reads few rows, not the table.
func TestSearchUsesIndexes(t *testing.T) {
	ctx := context.Background()
	pg := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	if err := pg.Append(ctx, storetest.Records(1, sameCorpus()...)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q           string
		maxScanned  int64
		wantMatched int64
	}{
		{"EventID:1", 6, 6},
		{"mimikatz", 1, 1},
		{"host:fw1", 1, 1},
		{`Image:"c:\windows\system32\cmd.exe"`, 1, 1},
		{"Index:7 EventID:4624", 1, 1},
		{"logon number 11", 11, 11},     // 11, 110-119 hold "11"
		{"Index:7 OR Index:8", 1000, 2}, // OR is filtered in Go
	}
	for _, tc := range tests {
		r, err := pg.Search(ctx, eventstore.Query{Text: tc.q})
		if err != nil {
			t.Fatal(err)
		}
		if r.Matched != tc.wantMatched || r.Scanned > tc.maxScanned {
			t.Errorf("%q: matched %d reading %d rows; want %d matched reading at most %d", tc.q, r.Matched, r.Scanned, tc.wantMatched, tc.maxScanned)
		}
	}
}
