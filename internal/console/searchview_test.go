package console

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

func TestSearchFormQuery(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		params       string
		since, until time.Time
		limit        int
		err          string
	}{
		{"defaults to the last day", "q=mimikatz", now.Add(-24 * time.Hour), time.Time{}, searchPageSize, ""},
		{"no start when asked for none", "q=&since=", time.Time{}, time.Time{}, searchPageSize, ""},
		{"London summer time", "since=2026-07-01T09:00&until=2026-07-01+10:30", time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC), searchPageSize, ""},
		{"London winter time, date only", "since=2026-01-05", time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Time{}, searchPageSize, ""},
		{"RFC 3339 and a span", "since=2h&until=2026-07-01T11:30:00Z", now.Add(-2 * time.Hour), time.Date(2026, 7, 1, 11, 30, 0, 0, time.UTC), searchPageSize, ""},
		{"third page reads three pages", "page=2", now.Add(-24 * time.Hour), time.Time{}, 3 * searchPageSize, ""},
		{"page beyond the store's limit is capped", "page=100000", now.Add(-24 * time.Hour), time.Time{}, eventstore.MaxLimit, ""},
		{"bad query names the field", "q=EventID:(", time.Time{}, time.Time{}, 0, "Search:"},
		{"bad time names the field", "since=yesterday", time.Time{}, time.Time{}, 0, "From: \"yesterday\" is not a time"},
		{"empty range", "since=2026-07-01+10:00&until=2026-07-01+09:00", time.Time{}, time.Time{}, 0, "is not before To"},
	}
	for _, tc := range tests {
		v, _ := url.ParseQuery(tc.params)
		q, err := readSearchForm(v).query(now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !q.Since.Equal(tc.since) || !q.Until.Equal(tc.until) || q.Limit != tc.limit || q.Buckets != searchBuckets {
			t.Errorf("%s: since %v until %v limit %d buckets %d; want %v, %v, %d", tc.name, q.Since, q.Until, q.Limit, q.Buckets, tc.since, tc.until, tc.limit)
		}
	}
}

func TestSearchFormColumns(t *testing.T) {
	f := searchForm{Columns: "User, Image Image,CommandLine a b c d e f g"}
	got := strings.Join(f.columns(), "|")
	if want := "User|Image|CommandLine|a|b|c|d|e"; got != want {
		t.Errorf("columns %q, want %q", got, want)
	}
}

// hits makes n events, newest first, a minute apart.
func hits(n int, t0 time.Time) []eventstore.Hit {
	out := make([]eventstore.Hit, n)
	for i := range out {
		out[i] = eventstore.Hit{
			Seq: uint64(n - i), Time: t0.Add(-time.Duration(i) * time.Minute), Host: "ward-pc-7", Source: "syslog",
			LogSource: eventstore.LogSource{Product: "windows", Service: "security"},
			Fields:    eventstore.Fields{{Name: "EventID", Value: "4625"}, {Name: "TargetUserName", Value: "jsmith"}},
		}
	}
	return out
}

func TestSearchViewPages(t *testing.T) {
	t0 := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		form        searchForm
		events      int
		matched     int64
		first, last int
		prev, next  bool
		capped      bool
	}{
		{"one page", searchForm{Q: "x"}, 3, 3, 1, 3, false, false, false},
		{"first of several", searchForm{Q: "x"}, 50, 120, 1, 50, false, true, false},
		{"middle", searchForm{Q: "x", Page: 1}, 100, 120, 51, 100, true, true, false},
		{"last", searchForm{Q: "x", Page: 2}, 120, 120, 101, 120, true, false, false},
		{"nothing", searchForm{Q: "x"}, 0, 0, 0, 0, false, false, false},
		{"beyond reach", searchForm{Q: "x", Page: searchMaxPage}, eventstore.MaxLimit, 50000, eventstore.MaxLimit - searchPageSize + 1, eventstore.MaxLimit, true, false, true},
	}
	for _, tc := range tests {
		v := newSearchView(tc.form, &eventstore.Result{Events: hits(tc.events, t0), Matched: tc.matched})
		if v.First != tc.first || v.Last != tc.last || (v.Prev != "") != tc.prev || (v.Next != "") != tc.next || v.Capped != tc.capped {
			t.Errorf("%s: rows %d-%d prev %q next %q capped %v; want %d-%d prev %v next %v capped %v",
				tc.name, v.First, v.Last, v.Prev, v.Next, v.Capped, tc.first, tc.last, tc.prev, tc.next, tc.capped)
		}
		if len(v.Rows) != max(tc.last-tc.first+1, 0) && tc.last != 0 {
			t.Errorf("%s: %d rows", tc.name, len(v.Rows))
		}
	}
	v := newSearchView(searchForm{Q: "x"}, &eventstore.Result{Events: hits(60, t0), Matched: 60})
	if want := "page=1"; !strings.Contains(string(v.Next), want) || !strings.HasPrefix(string(v.Next), "/search?") || !strings.Contains(string(v.Next), "q=x") {
		t.Errorf("next page link %q: want the query and %s", v.Next, want)
	}
}

func TestSearchViewRows(t *testing.T) {
	t0 := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) // 10:00 BST
	res := &eventstore.Result{Events: hits(1, t0), Matched: 1}
	v := newSearchView(searchForm{}, res)
	r := v.Rows[0]
	if r.Time != "1 Jul 2026 10:00:00 BST" || r.Host != "ward-pc-7" || r.Source != "syslog (windows/security)" {
		t.Errorf("row %+v", r)
	}
	if r.Summary != "EventID=4625  TargetUserName=jsmith" || len(r.Cells) != 0 {
		t.Errorf("summary %q cells %q", r.Summary, r.Cells)
	}
	if strings.Join(v.Seen, ",") != "EventID,TargetUserName" {
		t.Errorf("fields offered as columns: %v", v.Seen)
	}
	v = newSearchView(searchForm{Columns: "TargetUserName,Missing"}, res)
	if c := v.Rows[0].Cells; len(c) != 2 || c[0] != "jsmith" || c[1] != "" || v.Rows[0].Summary != "" {
		t.Errorf("cells %q summary %q", c, v.Rows[0].Summary)
	}
	if strings.Join(v.Seen, ",") != "EventID" {
		t.Errorf("a chosen column is offered again: %v", v.Seen)
	}
	fhirHit := eventstore.Hit{Fields: eventstore.Fields{{Name: "user.id", Value: "u1"}, {Name: "patient.nhs_number", Value: "9434765919"}}}
	if got := v.row(&fhirHit).Summary; got != "" {
		t.Errorf("with columns chosen, a summary %q", got)
	}
	if got := (&searchView{}).row(&fhirHit).Summary; got != "user.id=u1 patient.nhs_number=9434765919" {
		t.Errorf("an event without the telling fields is summarised as %q", got)
	}
	if got := clip("a  b\n c", 10); got != "a b c" {
		t.Errorf("clip folded spaces to %q", got)
	}
	if got := clip(strings.Repeat("é", 10), 5); got != "éééé…" {
		t.Errorf("clip cut to %q", got)
	}
}

func TestHistogram(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	h := newHistogram([]eventstore.Bucket{{Start: t0, Count: 0}, {Start: t0.Add(time.Hour), Count: 1000}, {Start: t0.Add(2 * time.Hour), Count: 1}})
	if len(h.Bars) != 3 || h.Max != 1000 {
		t.Fatalf("histogram %+v", h)
	}
	plot := histHeight - histTop
	tests := []struct{ i, hgt int }{{0, 0}, {1, plot}, {2, 1}}
	for _, tc := range tests {
		b := h.Bars[tc.i]
		if b.H != tc.hgt || b.Y+b.H != histHeight || b.X != tc.i*(histWidth/3) || b.W < 1 {
			t.Errorf("bar %d: %+v, want height %d standing on the axis", tc.i, b, tc.hgt)
		}
	}
	if h.From != "5 Jan 2026 09:00 GMT" || h.To != "5 Jan 2026 11:00 GMT" {
		t.Errorf("range %q to %q", h.From, h.To)
	}
	if e := newHistogram(nil); len(e.Bars) != 0 || e.From != "" {
		t.Errorf("empty histogram %+v", e)
	}
}
