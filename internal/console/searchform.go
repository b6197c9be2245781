package console

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// Shape of the search page: rows per page, histogram buckets, and how
// many columns a person may choose.
const (
	searchPageSize   = 50
	searchBuckets    = 48
	searchMaxColumns = 8
	searchMaxPage    = eventstore.MaxLimit/searchPageSize - 1
	// searchDefaultSince bounds a search with no start: the last day, so
	// that opening the page does not read the whole store.
	searchDefaultSince = "24h"
)

// searchForm is what the search page's form asks for, as typed.
type searchForm struct {
	Q       string // the event store's query language
	Since   string // a London time, an RFC 3339 time, or a span back from now such as 24h
	Until   string // the same; empty is now
	Columns string // field names to show as columns, separated by commas or spaces
	Page    int    // 0 is the newest page
}

// readSearchForm reads the page's query parameters; a page number that is
// not a number reads as the first page.
func readSearchForm(v url.Values) searchForm {
	f := searchForm{
		Q: strings.TrimSpace(v.Get("q")), Since: strings.TrimSpace(v.Get("since")),
		Until: strings.TrimSpace(v.Get("until")), Columns: strings.TrimSpace(v.Get("columns")),
	}
	if !v.Has("since") {
		f.Since = searchDefaultSince
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 0 {
		f.Page = min(p, searchMaxPage)
	}
	return f
}

// columns returns the chosen field names, each once, at most
// searchMaxColumns of them.
func (f searchForm) columns() []string {
	var out []string
	for _, c := range strings.FieldsFunc(f.Columns, func(r rune) bool { return r == ',' || r == ' ' }) {
		if len(out) < searchMaxColumns && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// query builds the event store query: enough of the newest matches to
// fill the pages up to f.Page, and a histogram. An error names the form
// field at fault.
func (f searchForm) query(now time.Time) (eventstore.Query, error) {
	q := eventstore.Query{Limit: (f.Page + 1) * searchPageSize, Buckets: searchBuckets}
	x, err := eventstore.ParseQuery(f.Q)
	if err != nil {
		return q, fmt.Errorf("Search: %w", err)
	}
	q.Expr = x
	if q.Since, err = parseFormTime(f.Since, now); err != nil {
		return q, fmt.Errorf("From: %w", err)
	}
	if q.Until, err = parseFormTime(f.Until, now); err != nil {
		return q, fmt.Errorf("To: %w", err)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, fmt.Errorf("From: %s is not before To, %s", londonTime(q.Since), londonTime(q.Until))
	}
	return q, nil
}

// londonLayouts are the times a person types or a datetime-local input
// sends, read as Europe/London local time.
var londonLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// parseFormTime reads a form's time: empty (no bound), a London local
// time, or what eventstore.ParseTime reads (RFC 3339, or a span back from
// now).
func parseFormTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range londonLayouts {
		if t, err := time.ParseInLocation(l, s, London); err == nil {
			return t.UTC(), nil
		}
	}
	if _, err := eventstore.ParseTime(s, now); err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time such as 2026-05-05 09:00 (London time) or a span back from now such as 24h", s)
	}
	return eventstore.ParseTime(s, now)
}

// values encodes the form with page p, for a link to another page.
func (f searchForm) values(p int) url.Values {
	v := url.Values{}
	v.Set("q", f.Q)
	v.Set("since", f.Since)
	if f.Until != "" {
		v.Set("until", f.Until)
	}
	if f.Columns != "" {
		v.Set("columns", f.Columns)
	}
	if p > 0 {
		v.Set("page", strconv.Itoa(p))
	}
	return v
}
