package eventstore

import (
	"container/heap"
	"slices"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// topHits keeps the newest matches, up to limit, with a copy of their
// bytes; the others are dropped as they come, so a search holds at most
// limit records however many match.
type topHits struct {
	limit int
	h     hitHeap
}

type hitRec struct {
	t    time.Time
	seq  uint64
	data []byte
}

// newer orders hits as a Result lists them: newest event time first, ties
// by sequence number descending.
func (a *hitRec) newer(b *hitRec) bool {
	if !a.t.Equal(b.t) {
		return a.t.After(b.t)
	}
	return a.seq > b.seq
}

// hitHeap is a min-heap by newer: its root is the oldest hit kept.
type hitHeap []*hitRec

func (h hitHeap) Len() int           { return len(h) }
func (h hitHeap) Less(i, j int) bool { return h[j].newer(h[i]) }
func (h hitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)        { *h = append(*h, x.(*hitRec)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// offer keeps the record if it is among the newest limit so far.
func (t *topHits) offer(at time.Time, seq uint64, data []byte) {
	if len(t.h) < t.limit {
		heap.Push(&t.h, &hitRec{t: at, seq: seq, data: slices.Clone(data)})
		return
	}
	cand := hitRec{t: at, seq: seq}
	if !cand.newer(t.h[0]) {
		return
	}
	root := t.h[0]
	root.t, root.seq, root.data = at, seq, append(root.data[:0], data...)
	heap.Fix(&t.h, 0)
}

// hits returns the kept records, newest first, decoded.
func (t *topHits) hits() []Hit {
	recs := slices.Clone(t.h)
	slices.SortFunc(recs, func(a, b *hitRec) int {
		if a.newer(b) {
			return -1
		}
		return 1
	})
	out := make([]Hit, 0, len(recs))
	for _, r := range recs {
		out = append(out, makeHit(r.seq, r.data))
	}
	return out
}

// makeHit decodes a record into a Hit. The record decoded when it matched,
// so an error cannot happen here.
func makeHit(seq uint64, data []byte) Hit {
	var fields Fields
	computer := ""
	h, _ := event.ScanBinary(data, func(name, value []byte) {
		p := Pair{Name: string(name), Value: string(value)}
		if computer == "" && event.ToLowerASCII(p.Name) == "computer" {
			computer = p.Value
		}
		fields = append(fields, p)
	})
	host := string(h.Host)
	if host == "" {
		host = computer
	}
	return Hit{
		Seq: seq, Time: h.Time, Host: host, Source: string(h.Source),
		LogSource: LogSource{Product: string(h.Product), Category: string(h.Category), Service: string(h.Service)},
		Fields:    fields,
	}
}
