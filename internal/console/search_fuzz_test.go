package console

import (
	"net/url"
	"testing"
	"time"
)

// FuzzSearchForm checks that any query string reads into a form whose
// query either fails with a message or stays within the page's bounds.
func FuzzSearchForm(f *testing.F) {
	for _, s := range []string{
		"q=EventID:4625+TargetUserName:jsmith&since=24h",
		"q=mimikatz+OR+sekurlsa&since=2026-07-01T09:00&until=2026-07-01+10:30&columns=Image,CommandLine&page=3",
		"q=NOT+host:dc01&since=&page=-1",
		"q=\"lsass.exe\"&since=2026-01-05&columns=a,a,b",
		"q=(&since=yesterday",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		form := readSearchForm(v)
		if form.Page < 0 || form.Page > searchMaxPage || len(form.columns()) > searchMaxColumns {
			t.Fatalf("form out of bounds: %+v", form)
		}
		q, err := form.query(now)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if q.Limit < 1 || q.Limit > 10000 || (!q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until)) {
			t.Fatalf("query out of bounds: %+v", q)
		}
		if _, err := url.ParseQuery(form.values(form.Page + 1).Encode()); err != nil {
			t.Fatalf("next page link does not parse: %v", err)
		}
	})
}
