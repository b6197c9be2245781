package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/rules"
)

// testPartitions is the partition count of these tests: few, so that
// hosts share partitions.
const testPartitions = 4

// partitionedLines are events of rules/testdata folders as stream
// messages: sequence numbers in order, each event in the partition of its
// host, as an ingest node publishes them.
type partitionedLines struct {
	lines [][]byte
	byP   map[int][]bus.Msg
}

func partitionLines(t *testing.T, folders ...string) partitionedLines {
	t.Helper()
	pl := partitionedLines{byP: map[int][]bus.Msg{}}
	for _, f := range folders {
		for _, line := range eventLines(t, f) {
			pl.lines = append(pl.lines, append(bytes.TrimRight(line, "\n"), '\n'))
		}
	}
	for i, line := range pl.lines {
		var ev event.Event
		if err := winjson.Decode(bytes.TrimSpace(line), &ev); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		p := bus.PartitionOf(hostOf(&ev), testPartitions)
		pl.byP[p] = append(pl.byP[p], bus.Msg{Partition: p, Seq: uint64(i + 1), Data: ev.AppendBinary(nil)})
	}
	return pl
}

// testLogger discards, or writes to stderr under go test -v.
func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// testDetector is a partition detector over db with Vigil's own rules.
func testDetector(t *testing.T, db *pgstore.DB) *partitionDetector {
	t.Helper()
	set, err := rules.Load(nil, sigma.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return newPartitionDetector(testLogger(t), db.Alerts(), db.Events(eventstore.Options{}), set, DefaultConfig(), testPartitions)
}

// feed claims p under epoch and processes msgs in batches of batch.
func feed(t *testing.T, h *partitionDetector, p int, epoch uint64, msgs []bus.Msg, batch int) {
	t.Helper()
	resume, err := h.Claim(p, epoch)
	if err != nil {
		t.Fatalf("claim partition %d epoch %d: %v", p, epoch, err)
	}
	var todo []bus.Msg
	for _, m := range msgs {
		if m.Seq > resume {
			m.Epoch = epoch
			todo = append(todo, m)
		}
	}
	for len(todo) > 0 {
		n := min(batch, len(todo))
		if err := h.Process(p, todo[:n]); err != nil {
			t.Fatalf("process partition %d: %v", p, err)
		}
		todo = todo[n:]
	}
}

// storeSummary renders the store's alerts by rule, host, key and count.
func storeSummary(t *testing.T, s alert.Store) string {
	t.Helper()
	alerts, err := s.Alerts(context.Background(), alert.Query{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return summarise(alerts)
}

func summarise(alerts []*alert.Alert) string {
	lines := make([]string, len(alerts))
	for i, a := range alerts {
		lines[i] = fmt.Sprintf("%s %s %s key=%s count=%d", a.ID, a.RuleID, strings.ToLower(a.Host), a.Key, a.Count)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestPartitionDetectorMatchesTheLog: the partitions' alerts are those the
// embedded service gives on the same events, a correlation's included.
func TestPartitionDetectorMatchesTheLog(t *testing.T) {
	pl := partitionLines(t, "mr_failed_logon_burst_one_account", "mr_ransomware_precursors_one_host", "proc_win_shadow_copy_deletion")
	ts := startService(t, testConfig(t))
	ts.postLines(t, pl.lines)
	var want alertsAnswer
	ts.do(t, "GET", "/api/v1/alerts?limit=10000", testToken, nil, &want)
	if len(want.Alerts) < 3 {
		t.Fatalf("the embedded service raised %d alerts; the test needs several", len(want.Alerts))
	}
	h := testDetector(t, pgtest.Open(t, t.TempDir(), pgstore.Options{}))
	for p, msgs := range pl.byP {
		feed(t, h, p, 1, msgs, 7)
	}
	if got, want := storeSummary(t, h.store), summarise(want.Alerts); got != want {
		t.Errorf("partition detector's alerts:\n%s\nembedded service's:\n%s", got, want)
	}
}

// TestPartitionTakeOver: a node that takes a partition over mid-stream
// resumes from the committed position with the correlation and alert
// windows as committed, so the alerts are those of one uninterrupted
// run; the old holder's late commit is refused as fenced, and the events
// it stored before that refusal, stored again by the new holder, are
// searchable once each.
func TestPartitionTakeOver(t *testing.T) {
	pl := partitionLines(t, "mr_failed_logon_burst_one_account", "mr_ransomware_precursors_one_host")
	key := t.TempDir()
	ref := testDetector(t, pgtest.Open(t, key+"/ref", pgstore.Options{}))
	for p, msgs := range pl.byP {
		feed(t, ref, p, 1, msgs, 5)
	}
	db := pgtest.Open(t, key+"/split", pgstore.Options{})
	first, second := testDetector(t, db), testDetector(t, db)
	for p, msgs := range pl.byP {
		half := len(msgs) / 2
		feed(t, first, p, 1, msgs[:half], 3)
		if _, err := second.Claim(p, 2); err != nil { // fences the first
			t.Fatal(err)
		}
		if len(msgs) > half {
			late := slices.Clone(msgs[half:])
			for i := range late {
				late[i].Epoch = 1
			}
			err := first.Process(p, late)
			if !errors.Is(err, bus.ErrFenced) {
				t.Errorf("partition %d: late commit under epoch 1: %v, want bus.ErrFenced", p, err)
			}
		}
		feed(t, second, p, 3, msgs, 3) // resumes after the first's commits
	}
	res, err := db.Events(eventstore.Options{}).Search(context.Background(), eventstore.Query{Limit: eventstore.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != int64(len(pl.lines)) {
		t.Errorf("events searchable after a take-over: %d, want each of the %d once", res.Matched, len(pl.lines))
	}
	if got, want := storeSummary(t, db.Alerts()), storeSummary(t, ref.store); got != want {
		t.Errorf("alerts after a take-over:\n%s\nuninterrupted:\n%s", got, want)
	}
	if _, err := first.Claim(0, 1); !errors.Is(err, bus.ErrFenced) {
		t.Errorf("claim under an old epoch: %v, want bus.ErrFenced", err)
	}
}

// TestProcessWithoutClaim: a batch for a partition the node does not hold
// is an error, not a panic.
func TestProcessWithoutClaim(t *testing.T) {
	h := testDetector(t, pgtest.Open(t, t.TempDir(), pgstore.Options{}))
	if err := h.Process(3, []bus.Msg{{Partition: 3, Seq: 1}}); err == nil {
		t.Fatal("Process without Claim succeeded")
	}
}
