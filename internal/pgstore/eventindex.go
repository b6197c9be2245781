package pgstore

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigilhealth/vigil/internal/event"
)

// minNanosInt is the time_ns of an event without a time.
const minNanosInt = math.MinInt64

func fromNanos(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// indexer builds the search columns of events, reusing its buffers, and
// the search blocks of the events in the order it indexes them.
type indexer struct {
	ev     event.Event
	text   strings.Builder
	doc    fieldsDoc
	blocks blockBuilder
}

// indexDoc is the JSON of the fields column: lower-cased values by
// lower-cased field name, and the metadata by its special field's name.
type indexDoc struct {
	F map[string][]string `json:"f"`
	M map[string][]string `json:"m"`
}

// index returns the time (Unix nanoseconds), fields document and
// lower-cased text of the encoded event with sequence seq, and adds it to
// the current block. A record that does not decode gets empty ones: no
// search matches it, as in the file store.
func (ix *indexer) index(seq int64, data []byte) (int64, []byte, string) {
	defer ix.blocks.endEvent()
	if ix.ev.UnmarshalBinary(data) != nil {
		t := int64(minNanosInt)
		if bt, err := event.BinaryTime(data); err == nil && !bt.IsZero() {
			t = nanos(bt)
		}
		ix.blocks.startEvent(seq, t)
		return t, []byte(`{"f":{},"m":{}}`), ""
	}
	ev := &ix.ev
	t := int64(minNanosInt)
	if !ev.Time.IsZero() {
		t = nanos(ev.Time)
	}
	ix.blocks.startEvent(seq, t)
	ix.doc.reset()
	ix.text.Reset()
	for i := range ev.Len() {
		id, _ := ev.Field(i)
		// Names made valid UTF-8 here, so that two that JSON would make one
		// key are one group, not two keys of which jsonb keeps the last.
		name, v := text(event.ToLowerASCII(id.String())), ev.Lower(i)
		safe := jsonSafe(v)
		ix.doc.add(name, safe)
		ix.blocks.addField(false, name, safe)
		ix.addText(v)
	}
	host := ev.Host
	if host == "" {
		host, _ = ev.Get(event.Computer)
	}
	for i, v := range [...]string{host, ev.Source, ev.LogSource.Product, ev.LogSource.Category, ev.LogSource.Service} {
		v = event.ToLowerASCII(v)
		safe := jsonSafe(v)
		ix.doc.meta[i] = safe
		ix.blocks.addField(true, metaNames[i], safe)
		ix.addText(v)
	}
	return t, ix.doc.encode(), text(ix.text.String())
}

func (ix *indexer) addText(v string) {
	if v != "" {
		ix.text.WriteString(v)
		ix.text.WriteByte('\n')
		ix.blocks.addText(v)
	}
}

// jsonSafe drops what jsonb cannot hold (NUL); invalid UTF-8 is replaced
// by encoding/json. Search never pushes a value with either to SQL.
func jsonSafe(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		return strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// pushable reports whether a value of a query can be compared in SQL with
// what jsonSafe and text stored.
func pushable(s string) bool {
	return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}
