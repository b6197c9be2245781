package pgstore

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
)

func TestMergeRanges(t *testing.T) {
	tests := []struct {
		name    string
		in, out []seqRange
	}{
		{"none", []seqRange{}, []seqRange{}},
		{"apart", []seqRange{{0, 10, 12}, {0, 1, 3}}, []seqRange{{0, 1, 3}, {0, 10, 12}}},
		{"touching", []seqRange{{0, 4, 6}, {0, 1, 3}}, []seqRange{{0, 1, 6}}},
		{"overlapping", []seqRange{{0, 1, 5}, {0, 3, 4}, {0, 5, 9}}, []seqRange{{0, 1, 9}}},
		{"a take-over's gap filled", []seqRange{{2, 7, 9}, {2, 6, 10}, {2, 1, 3}}, []seqRange{{2, 1, 3}, {2, 6, 10}}},
		{"partitions kept apart", []seqRange{{1, 1, 3}, {-1, 1, 3}, {1, 4, 4}, {0, 2, 2}}, []seqRange{{-1, 1, 3}, {0, 2, 2}, {1, 1, 4}}},
	}
	for _, tc := range tests {
		if got := mergeRanges(tc.in); !slices.Equal(got, tc.out) {
			t.Errorf("%s: merged %v, want %v", tc.name, got, tc.out)
		}
	}
}

// TestBlocksSummariseEvents: a block spans its events' sequences and
// times, its document holds every value of theirs (so contains each
// event's document) and its text every value once; a block closes at
// blockEvents events.
func TestBlocksSummariseEvents(t *testing.T) {
	evs := storetest.Numbered(blockEvents + 10)
	evs[3].Fields = append(evs[3].Fields, [2]string{"Image", `C:\Tools\Mimikatz.EXE`}, [2]string{"Odd", "a\nb"})
	var ix indexer
	recs := storetest.Records(101, evs...)
	rowDocs, rowTexts := indexAll(t, &ix, recs[:1])
	if len(ix.blocks.done) != 0 {
		t.Fatal("a block closed after one event")
	}
	moreDocs, moreTexts := indexAll(t, &ix, recs[1:])
	rowDocs, rowTexts = append(rowDocs, moreDocs...), append(rowTexts, moreTexts...)
	ix.blocks.close()
	blocks := ix.blocks.done
	if len(blocks) != 2 || blocks[0].first != 101 || blocks[0].last != 100+blockEvents ||
		blocks[1].first != 101+blockEvents || blocks[1].last != 100+blockEvents+10 {
		t.Fatalf("blocks %d: want [101, %d] and [%d, %d]", len(blocks), 100+blockEvents, 101+blockEvents, 110+blockEvents)
	}
	if want := nanosOf(evs[0]); blocks[0].minT != want || blocks[0].maxT != nanosOf(evs[blockEvents-1]) {
		t.Errorf("first block's times %d to %d, want %d to %d", blocks[0].minT, blocks[0].maxT, want, nanosOf(evs[blockEvents-1]))
	}
	for i := range evs {
		b := blocks[i/blockEvents]
		var doc indexDoc
		if err := json.Unmarshal(b.fields, &doc); err != nil {
			t.Fatal(err)
		}
		if !containsDoc(doc.F, rowDocs[i].F) || !containsDoc(doc.M, rowDocs[i].M) {
			t.Fatalf("event %d: its document %+v is not in its block's", i, rowDocs[i])
		}
		lines := strings.Split(b.text, "\n")
		for _, v := range strings.Split(strings.TrimSuffix(rowTexts[i], "\n"), "\n") {
			if !slices.Contains(lines, v) && !strings.Contains(b.text, v) {
				t.Fatalf("event %d: value %q is not in its block's text", i, v)
			}
		}
	}
	if n := strings.Count(blocks[0].text, "windows\n"); n != 1 {
		t.Errorf("the first block holds %q %d times, want once", "windows", n)
	}
	if !strings.Contains(blocks[0].text, `c:\tools\mimikatz.exe`) || !strings.Contains(blocks[0].text, "a\nb\n") {
		t.Errorf("the first block's text lacks an added value: %.200q", blocks[0].text)
	}
}

// indexAll indexes recs and returns each one's decoded document and text.
func indexAll(t testing.TB, ix *indexer, recs []eventstore.Record) ([]indexDoc, []string) {
	t.Helper()
	var docs []indexDoc
	var texts []string
	for _, r := range recs {
		_, f, text := ix.index(int64(r.Seq), r.Data)
		var d indexDoc
		if err := json.Unmarshal(f, &d); err != nil {
			t.Fatal(err)
		}
		docs, texts = append(docs, d), append(texts, text)
	}
	return docs, texts
}

func nanosOf(e storetest.Event) int64 { return e.Time.UnixNano() }

// containsDoc reports whether every value of part is in whole, as jsonb's
// @> decides for these documents.
func containsDoc(whole, part map[string][]string) bool {
	for k, vs := range part {
		w, ok := whole[k]
		if !ok {
			return false
		}
		for _, v := range vs {
			if !slices.Contains(w, v) {
				return false
			}
		}
	}
	return true
}

// FuzzBlockCovers: whatever the values, each event's document is in its
// block's and each of its values is a line of the block's text.
func FuzzBlockCovers(f *testing.F) {
	f.Add("EventID", "4624", "Image", `C:\Windows\System32\cmd.exe`, "WS01")
	f.Add("msg", "deny tcp 10.0.0.5:445", "Tag", "nul\x00byte", "bad\xffutf8")
	f.Add("a", "", "A", "x\ny", "")
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, host string) {
		var evs []storetest.Event
		for i := range 3 {
			evs = append(evs, storetest.Event{Time: storetest.Base, Host: host, Source: "fuzz",
				LogSource: event.LogSource{Product: "windows"},
				Fields:    [][2]string{{n1, v1 + strings.Repeat("x", i)}, {n2, v2}}})
		}
		var ix indexer
		docs, texts := indexAll(t, &ix, storetest.Records(1, evs...))
		ix.blocks.close()
		if len(ix.blocks.done) != 1 {
			t.Fatalf("%d blocks of 3 events", len(ix.blocks.done))
		}
		b := ix.blocks.done[0]
		var doc indexDoc
		if err := json.Unmarshal(b.fields, &doc); err != nil {
			t.Fatal(err)
		}
		for i := range docs {
			if !containsDoc(doc.F, docs[i].F) || !containsDoc(doc.M, docs[i].M) {
				t.Fatalf("event %d: %+v not in the block's %+v", i, docs[i], doc)
			}
			if !strings.Contains("\n"+b.text, "\n"+strings.SplitN(texts[i], "\n", 2)[0]+"\n") && texts[i] != "" {
				t.Fatalf("event %d: first value of %q not a line of the block's %q", i, texts[i], b.text)
			}
		}
	})
}

// BenchmarkIndexBatch: the Go side of storing a detect node's batch of
// 256 events: each event's search columns and the batch's block.
func BenchmarkIndexBatch(b *testing.B) {
	recs := storetest.Records(1, storetest.Numbered(blockEvents)...)
	b.ReportAllocs()
	for b.Loop() {
		var ix indexer
		for _, r := range recs {
			ix.index(int64(r.Seq), r.Data)
		}
		ix.blocks.blocks()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/event")
}
