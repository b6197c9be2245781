package alert_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/alert/storetest"
)

func openStore(t *testing.T, dir string) *alert.FileStore {
	t.Helper()
	s, err := alert.OpenFileStore(dir)
	if err != nil {
		t.Fatalf("OpenFileStore: %v", err)
	}
	return s
}

func TestFileStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) alert.Store { return openStore(t, dir) })
}

var ts = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

func sample(id string, count int) *alert.Alert {
	return &alert.Alert{
		ID: id, RuleID: "r1", RuleTitle: "Suspicious thing", Level: "high", Host: "WS1", Count: count,
		FirstSeen: ts, LastSeen: ts.Add(time.Duration(count) * time.Second), Status: "open",
		Records: []uint64{1, 2, 3}, Event: map[string]any{"CommandLine": strings.Repeat("x", 200)},
	}
}

func commit(t *testing.T, s alert.Store, pos uint64, as ...*alert.Alert) {
	t.Helper()
	if err := s.Commit(context.Background(), pos, as, nil); err != nil {
		t.Fatalf("Commit at %d: %v", pos, err)
	}
}

func TestFileStoreTornTail(t *testing.T) {
	tests := []struct {
		name string
		tail func(good []byte) []byte // what follows the good commits
	}{
		{"half a header", func([]byte) []byte { return []byte{0x10, 0, 0} }},
		{"a frame cut short", func(good []byte) []byte { return good[:len(good)-5] }},
		{"a last frame with a bad checksum", func(good []byte) []byte {
			b := append([]byte(nil), good...)
			b[len(b)-3] ^= 0xff
			return b
		}},
		{"zeros left allocated", func([]byte) []byte { return make([]byte, 4096) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir)
			commit(t, s, 1, sample("a", 1))
			commit(t, s, 2, sample("b", 1))
			size := s.Stats().LogBytes
			s.Close()
			// A third commit, to borrow its frame for the tail.
			path := filepath.Join(dir, "alerts.log")
			whole := readFile(t, path)
			s = openStore(t, dir)
			commit(t, s, 3, sample("c", 1))
			s.Close()
			frame := readFile(t, path)[size:]
			writeFile(t, path, append(whole, tc.tail(frame)...))

			s = openStore(t, dir)
			defer s.Close()
			st := s.Stats()
			if st.TornBytes == 0 || st.LogBytes != size {
				t.Fatalf("stats %+v: want a torn tail cut back to %d bytes", st, size)
			}
			if p, _ := s.Position(context.Background()); p != 2 {
				t.Fatalf("position %d, want 2", p)
			}
			commit(t, s, 4, sample("d", 1)) // appends where the good data ends
			s.Close()
			s = openStore(t, dir)
			if got, _ := s.Alerts(context.Background(), alert.Query{}); len(got) != 3 {
				t.Fatalf("%d alerts after cutting and appending, want a, b and d", len(got))
			}
		})
	}
}

func TestFileStoreCorruption(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	commit(t, s, 1, sample("a", 1))
	first := s.Stats().LogBytes
	commit(t, s, 2, sample("b", 1))
	s.Close()
	path := filepath.Join(dir, "alerts.log")
	b := readFile(t, path)
	b[first/2] ^= 0xff // inside the first of two records
	writeFile(t, path, b)
	_, err := alert.OpenFileStore(dir)
	if err == nil || !strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), "byte offset 0") {
		t.Fatalf("opening a log damaged before its last record: %v, want a corruption error at byte offset 0", err)
	}
}

func TestFileStoreCompaction(t *testing.T) {
	defer alert.SetCompactFloor(16 << 10)()
	dir := t.TempDir()
	s := openStore(t, dir)
	// Updating ten alerts again and again: the log grows, the state does not.
	for pos := uint64(1); pos <= 500; pos++ {
		commit(t, s, pos, sample(fmt.Sprint("a", pos%10), int(pos)))
	}
	st := s.Stats()
	if st.Compactions == 0 || st.LogBytes > 4*st.LiveBytes+16<<10 {
		t.Fatalf("stats %+v: the log was not kept near the live state", st)
	}
	want, _ := s.Alerts(context.Background(), alert.Query{})
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, "alerts.log.compact")); !os.IsNotExist(err) {
		t.Fatalf("a compaction file was left behind: %v", err)
	}
	s = openStore(t, dir)
	defer s.Close()
	got, _ := s.Alerts(context.Background(), alert.Query{})
	if p, _ := s.Position(context.Background()); p != 500 || len(got) != 10 || got[0].Count != 500 {
		t.Fatalf("after compaction and reopening: position %d, %d alerts, newest count %d; want 500, 10, 500", p, len(got), got[0].Count)
	}
	for i := range got {
		if got[i].ID != want[i].ID || got[i].Count != want[i].Count || !got[i].LastSeen.Equal(want[i].LastSeen) {
			t.Fatalf("alert %d after reopening is %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestFileStoreLeftoverCompaction(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	commit(t, s, 1, sample("a", 1))
	s.Close()
	// A crash during a compaction leaves the old log whole and a partial
	// new one, which Open discards.
	writeFile(t, filepath.Join(dir, "alerts.log.compact"), []byte("partial"))
	s = openStore(t, dir)
	defer s.Close()
	if got, _ := s.Alerts(context.Background(), alert.Query{}); len(got) != 1 {
		t.Fatalf("%d alerts, want 1", len(got))
	}
	if _, err := os.Stat(filepath.Join(dir, "alerts.log.compact")); !os.IsNotExist(err) {
		t.Fatalf("the leftover compaction file is still there: %v", err)
	}
}

func TestFileStoreLocked(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	defer s.Close()
	if s2, err := alert.OpenFileStore(dir); err == nil {
		s2.Close()
		t.Fatal("a second open of a store in use succeeded")
	}
}

// TestRestoreFromFileStore runs the Deduper through a store, restarting it
// from the store half way, as the service does after a crash: in time
// order, and during an import of old events after newer ones.
func TestRestoreFromFileStore(t *testing.T) {
	var ordered, imported []alert.Detection
	for i := range 200 {
		det := alert.Detection{
			RuleID: fmt.Sprint("r", i%3), Level: "medium", Host: fmt.Sprint("WS", i%4), User: fmt.Sprint("u", i%5),
			Time: ts.Add(time.Duration(i) * 20 * time.Second), Record: uint64(i + 1),
		}
		ordered = append(ordered, det)
		if i < 50 {
			det.Time = det.Time.Add(5 * time.Hour) // the live stream, then a backlog
		} else {
			det.Time = ts.Add(time.Duration(i) * 2 * time.Second) // dense: windows span the restart
		}
		imported = append(imported, det)
	}
	for _, tc := range []struct {
		name string
		dets []alert.Detection
	}{{"in time order", ordered}, {"an import of old events after newer ones", imported}} {
		t.Run(tc.name, func(t *testing.T) { testRestoreFrom(t, tc.dets) })
	}
}

func testRestoreFrom(t *testing.T, dets []alert.Detection) {
	ctx := context.Background()
	run := func(s alert.Store, d *alert.Deduper, dets []alert.Detection, from uint64) {
		for i, det := range dets {
			as, is := d.Add(det)
			if err := s.Commit(ctx, from+uint64(i), as, is); err != nil {
				t.Fatal(err)
			}
		}
	}
	one := openStore(t, t.TempDir())
	defer one.Close()
	run(one, alert.NewDeduper(5*time.Minute, 15*time.Minute), dets, 1)

	dir := t.TempDir()
	s := openStore(t, dir)
	run(s, alert.NewDeduper(5*time.Minute, 15*time.Minute), dets[:120], 1)
	s.Close()
	s = openStore(t, dir)
	defer s.Close()
	d := alert.NewDeduper(5*time.Minute, 15*time.Minute)
	if err := d.RestoreFrom(ctx, s); err != nil {
		t.Fatal(err)
	}
	pos, _ := s.Position(ctx)
	run(s, d, dets[pos:], pos+1)

	want, _ := one.Alerts(ctx, alert.Query{Limit: 10000})
	got, _ := s.Alerts(ctx, alert.Query{Limit: 10000})
	if fmt.Sprint(alertSummary(got)) != fmt.Sprint(alertSummary(want)) {
		t.Fatalf("after a restart:\n got %v\nwant %v", alertSummary(got), alertSummary(want))
	}
	wantI, _ := one.Incidents(ctx, alert.IncidentQuery{Merged: true})
	gotI, _ := s.Incidents(ctx, alert.IncidentQuery{Merged: true})
	if len(gotI) != len(wantI) || len(wantI) < 2 {
		t.Fatalf("%d incidents after a restart, %d in one run (want several)", len(gotI), len(wantI))
	}
}

func alertSummary(as []*alert.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, fmt.Sprintf("%s:%d:%s", a.ID[:8], a.Count, a.IncidentID[:8]))
	}
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkFileStoreCommit measures one Commit of 100 alerts and an
// incident: encoding, one write and one fsync, and the in-memory update.
func BenchmarkFileStoreCommit(b *testing.B) {
	s, err := alert.OpenFileStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([]*alert.Alert, 100)
	for i := range batch {
		batch[i] = sample(fmt.Sprint("a", i), i)
	}
	inc := []*alert.Incident{{ID: "i1", Level: "high", Hosts: []string{"WS1"}, LastSeen: ts}}
	ctx := context.Background()
	b.ReportAllocs()
	pos := uint64(0)
	for b.Loop() {
		pos++
		for _, a := range batch {
			a.Count = int(pos)
		}
		if err := s.Commit(ctx, pos, batch, inc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFileStoreUpdatesSurviveCompaction: people's changes are part of the
// state a compaction writes, and the detector's later commits keep them.
func TestFileStoreUpdatesSurviveCompaction(t *testing.T) {
	defer alert.SetCompactFloor(1)()
	dir := t.TempDir()
	s := openStore(t, dir)
	commit(t, s, 1, sample("a", 1))
	who := "soc1"
	if _, err := s.UpdateAlert(context.Background(), "a", alert.Change{Status: "acknowledged", Assignee: &who, Comment: "on it", By: who}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i < 40; i++ {
		commit(t, s, uint64(i), sample("a", i))
	}
	if s.Stats().Compactions == 0 {
		t.Fatal("no compaction happened: the test proves nothing")
	}
	s.Close()
	s = openStore(t, dir)
	defer s.Close()
	a, err := s.Alert(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if a.Count != 39 || a.Status != "acknowledged" || a.Assignee != who || len(a.History) != 3 {
		t.Fatalf("after compactions and a reopen: count %d, status %q, assignee %q, %d notes", a.Count, a.Status, a.Assignee, len(a.History))
	}
}
