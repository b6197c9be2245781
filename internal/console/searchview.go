package console

import (
	"cmp"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// searchView is what the search page shows.
type searchView struct {
	Form    searchForm
	Error   string // the query's fault, in plain English; nothing ran
	Ran     bool   // a search ran (even one that matched nothing)
	Matched int64
	Heading string // "120 events match"
	First   int    // 1-based number of the first row shown
	Last    int
	Capped  bool     // more matched than the pages can reach: narrow the search
	Columns []string // chosen fields; none: a summary of each event's fields
	Rows    []searchRow
	Seen    []string // other field names in these rows, to add as columns
	// Prev and Next link the newer and older pages; "" on the first and
	// the last. They are built from url.Values.Encode, so the template
	// may take them as URLs whole.
	Prev, Next template.URL
	Chart      histogram
}

// searchRow is one event as the table shows it.
type searchRow struct {
	Time    string // London time with the zone
	Host    string
	Source  string // the listener and Sigma log source
	Cells   []string
	Summary string // the first fields as name=value, when no column is chosen
}

// Summary limits: how many fields, and how long a value may run.
const (
	summaryMax = 5
	cellWidth  = 120
)

// newSearchView lays out res, the answer to f's query.
func newSearchView(f searchForm, res *eventstore.Result) searchView {
	v := searchView{Form: f, Ran: true, Matched: res.Matched, Columns: f.columns(), Heading: matchedHeading(res.Matched)}
	from := min(f.Page*searchPageSize, len(res.Events))
	page := res.Events[from:min(from+searchPageSize, len(res.Events))]
	v.First, v.Last = from+1, from+len(page)
	if len(page) == 0 {
		v.First = 0
	}
	seen := map[string]bool{}
	for i := range page {
		v.Rows = append(v.Rows, v.row(&page[i]))
		for _, p := range page[i].Fields {
			seen[p.Name] = true
		}
	}
	for name := range seen {
		if !slices.Contains(v.Columns, name) {
			v.Seen = append(v.Seen, name)
		}
	}
	slices.Sort(v.Seen)
	if f.Page > 0 {
		v.Prev = pageURL(f.values(f.Page - 1))
	}
	if int64(v.Last) < res.Matched {
		if f.Page < searchMaxPage {
			v.Next = pageURL(f.values(f.Page + 1))
		} else {
			v.Capped = true
		}
	}
	v.Chart = newHistogram(res.Histogram)
	return v
}

// matchedHeading says how many events matched, in plain English.
func matchedHeading(n int64) string {
	switch n {
	case 0:
		return "No event matches"
	case 1:
		return "1 event matches"
	}
	return strconv.FormatInt(n, 10) + " events match"
}

// pageURL is the search page's address with the query v.
func pageURL(v url.Values) template.URL {
	return template.URL("/search?" + v.Encode()) //nolint:gosec // encoded by url.Values: no markup, no other scheme
}

// row lays out one hit.
func (v *searchView) row(h *eventstore.Hit) searchRow {
	r := searchRow{Time: eventTime(h.Time), Host: h.Host, Source: sourceLabel(h)}
	if len(v.Columns) == 0 {
		r.Summary = cmp.Or(summaryOf(h.Fields), fieldSummary(h.Fields)) // the telling fields, else the first
		return r
	}
	for _, c := range v.Columns {
		val, _ := h.Fields.Get(c)
		r.Cells = append(r.Cells, clip(val, cellWidth))
	}
	return r
}

// sourceLabel names where an event came from: its listener and its Sigma
// log source.
func sourceLabel(h *eventstore.Hit) string {
	var parts []string
	for _, s := range []string{h.LogSource.Product, h.LogSource.Category, h.LogSource.Service} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	ls := strings.Join(parts, "/")
	switch {
	case h.Source == "":
		return ls
	case ls == "":
		return h.Source
	}
	return h.Source + " (" + ls + ")"
}

// fieldSummary writes the first fields as name=value, for events with
// none of the fields summaryOf looks for (FHIR, HL7).
func fieldSummary(f eventstore.Fields) string {
	var b strings.Builder
	for i, p := range f {
		if i == summaryMax {
			b.WriteString(" …")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.Name + "=" + clip(p.Value, cellWidth/2))
	}
	return b.String()
}

// clip shortens s to n runes, spaces folded, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// histogram is the matches over time as an SVG bar chart and, for those
// who cannot see it, the same as a table.
type histogram struct {
	Bars   []histogramBar
	Max    int64
	Width  int // the SVG's view box
	Height int
	From   string // first bucket's start, London time
	To     string // last bucket's start
}

// histogramBar is one bucket: its rectangle in the view box and its row
// in the table.
type histogramBar struct {
	X, Y, W, H int
	Start      string // London time
	Count      int64
}

// Chart geometry: the view box and the plot inside it.
const (
	histWidth  = 960
	histHeight = 160
	histTop    = 8
)

// newHistogram scales the buckets into the chart; no buckets, no bars.
func newHistogram(buckets []eventstore.Bucket) histogram {
	h := histogram{Width: histWidth, Height: histHeight}
	if len(buckets) == 0 {
		return h
	}
	for _, b := range buckets {
		h.Max = max(h.Max, b.Count)
	}
	w := histWidth / len(buckets)
	plot := histHeight - histTop
	for i, b := range buckets {
		bh := 0
		if h.Max > 0 {
			bh = int(b.Count * int64(plot) / h.Max)
		}
		if b.Count > 0 && bh == 0 {
			bh = 1 // a bucket with matches is never invisible
		}
		h.Bars = append(h.Bars, histogramBar{
			X: i * w, Y: histHeight - bh, W: max(w-1, 1), H: bh, Start: londonTime(b.Start), Count: b.Count,
		})
	}
	h.From, h.To = h.Bars[0].Start, h.Bars[len(h.Bars)-1].Start
	return h
}

// londonTime writes t in the console's zone, Europe/London, with the
// zone's name (GMT or BST); the zero time is empty.
func londonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(London).Format(timeLayout)
}

// eventTime writes an event's time to the second: events a second apart
// must not look simultaneous.
func eventTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(London).Format("2 Jan 2006 15:04:05 MST")
}
