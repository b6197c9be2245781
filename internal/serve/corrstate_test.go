package serve

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/rules"
)

// Correlations of Vigil's own pack whose rules/testdata sequences the
// restart tests split.
var straddleCases = []struct {
	name, folder, corrID string
}{
	{"event_count", "mr_failed_logon_burst_one_account", "dcc9e175-7e74-4d92-a7d5-3bde54a9d8c0"},
	{"temporal", "mr_ransomware_precursors_one_host", "5974d898-99f9-4ac0-b2f5-798ceb4feb5c"},
}

// eventLines splits a rules/testdata sequence into its NDJSON lines.
func eventLines(t *testing.T, folder string) [][]byte {
	t.Helper()
	return bytes.SplitAfter(bytes.TrimSpace(testEvents(t, folder)), []byte("\n"))
}

// postLines posts lines (none: nothing) and waits until the detector has
// committed every stored event.
func (ts *testService) postLines(t *testing.T, lines [][]byte) {
	t.Helper()
	if len(lines) > 0 {
		if n := ts.post(t, append(bytes.Join(lines, nil), '\n')); n != len(lines) {
			t.Fatalf("accepted %d of %d events", n, len(lines))
		}
	}
	waitFor(t, "the detector to catch up", func() bool {
		var st Stats
		ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
		return st.Ready && st.EventsProcessed == st.LogPosition && st.StorePosition == st.LogPosition
	})
}

// alertSummary renders the alerts in a form two runs can be compared by:
// id, rule, count and records, in id order.
func (ts *testService) alertSummary(t *testing.T) string {
	t.Helper()
	var got alertsAnswer
	ts.do(t, "GET", "/api/v1/alerts?limit=10000", testToken, nil, &got)
	lines := make([]string, len(got.Alerts))
	for i, a := range got.Alerts {
		lines[i] = fmt.Sprintf("%s %s key=%s count=%d records=%v", a.ID, a.RuleID, a.Key, a.Count, a.Records)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// referenceRun posts lines to one uninterrupted service and returns its
// alerts.
func referenceRun(t *testing.T, lines [][]byte) string {
	t.Helper()
	ts := startService(t, testConfig(t))
	ts.postLines(t, lines)
	return ts.alertSummary(t)
}

// TestCorrelationStraddlesRestart splits each sequence at several points
// with a graceful restart between the halves: the alerts must be those of
// one uninterrupted run, the correlation's included; a further restart
// with no new events must change nothing.
func TestCorrelationStraddlesRestart(t *testing.T) {
	for _, tc := range straddleCases {
		t.Run(tc.name, func(t *testing.T) {
			lines := eventLines(t, tc.folder)
			want := referenceRun(t, lines)
			if !strings.Contains(want, " "+tc.corrID+" ") {
				t.Fatalf("the uninterrupted run raised no %s alert:\n%s", tc.corrID, want)
			}
			for _, k := range []int{1, len(lines) / 2, len(lines) - 1} {
				cfg := testConfig(t)
				ts := startService(t, cfg)
				ts.postLines(t, lines[:k])
				stopService(t, ts)
				ts = startService(t, cfg)
				ts.postLines(t, lines[k:])
				if got := ts.alertSummary(t); got != want {
					t.Fatalf("split before event %d: alerts\n%s\nwant\n%s", k+1, got, want)
				}
				stopService(t, ts)
				ts = startService(t, cfg)
				ts.postLines(t, nil)
				if got := ts.alertSummary(t); got != want {
					t.Fatalf("split before event %d, restarted with no new events: alerts\n%s\nwant\n%s", k+1, got, want)
				}
			}
		})
	}
}

func stopService(t *testing.T, ts *testService) {
	t.Helper()
	if err := ts.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestCorrelationReplaysAfterTheSnapshot keeps a snapshot taken early and
// puts it back after later records were committed, as a crash between a
// commit and its snapshot leaves things: the restart must replay those
// records into the windows without raising their alerts again.
func TestCorrelationReplaysAfterTheSnapshot(t *testing.T) {
	for _, tc := range straddleCases {
		t.Run(tc.name, func(t *testing.T) {
			lines := eventLines(t, tc.folder)
			want := referenceRun(t, lines)
			cfg := testConfig(t)
			cfg.Correlation.SnapshotEvery = time.Hour // only the first commit and shutdown save
			path := filepath.Join(cfg.Data, corrStateFile)
			ts := startService(t, cfg)
			third := len(lines) / 3
			ts.postLines(t, lines[:third])
			waitFor(t, "the first snapshot", func() bool { return ts.svc.det.snap.pos.Load() > 0 })
			early := readFile(t, path)
			ts.postLines(t, lines[third:2*third])
			stopService(t, ts)
			if err := os.WriteFile(path, early, 0o600); err != nil {
				t.Fatal(err)
			}
			at, _, err := decodeSnapshot(early)
			if err != nil || at == 0 || at > uint64(third) {
				t.Fatalf("early snapshot at %d (%v), want within the first %d records", at, err, third)
			}
			ts = startService(t, cfg)
			ts.postLines(t, lines[2*third:])
			if got := ts.alertSummary(t); got != want {
				t.Fatalf("after replaying records %d to %d: alerts\n%s\nwant\n%s", at+1, 2*third, got, want)
			}
			// The first commit after the replay saves a snapshot at once.
			waitFor(t, "a snapshot of every record", func() bool { return ts.svc.det.snap.pos.Load() == uint64(len(lines)) })
		})
	}
}

// syncBuffer is a log destination tests read while the service writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestUnusableSnapshotStartsEmpty puts a damaged or impossible snapshot in
// the data folder: the service must say so, naming the file, start with
// empty correlations and detect as usual.
func TestUnusableSnapshotStartsEmpty(t *testing.T) {
	valid := func() []byte {
		set := sigma.LoadFS(rules.FS, "vigil-rules", sigma.Options{})
		e, err := correlate.New(set.Rules, set.Correlations)
		if err != nil {
			t.Fatal(err)
		}
		state, _ := e.MarshalState()
		return state
	}()
	tests := []struct {
		name    string
		content []byte
		reason  string
	}{
		{"garbage", []byte("not a snapshot at all, just text"), "position checksum"},
		{"short", []byte{1, 2, 3}, "shorter than"},
		{"damaged state", encodeSnapshot(0, []byte("VCOR\x01garbage-garbage")), "checksum"},
		{"ahead of the alert store", encodeSnapshot(40, valid), "committed only 0"},
	}
	lines := eventLines(t, straddleCases[0].folder)
	want := referenceRun(t, lines)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			path := filepath.Join(cfg.Data, corrStateFile)
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			var logs syncBuffer
			ts := startServiceLog(t, cfg, slog.New(slog.NewTextHandler(&logs, nil)))
			if l := logs.String(); !strings.Contains(l, "snapshot unusable") || !strings.Contains(l, path) || !strings.Contains(l, tc.reason) {
				t.Errorf("log does not name the file %s and the reason %q:\n%s", path, tc.reason, l)
			}
			ts.postLines(t, lines)
			if got := ts.alertSummary(t); got != want {
				t.Errorf("alerts\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestSnapshotMetricsAndFile checks the gauges and that the saved file
// decodes to the committed position.
func TestSnapshotMetricsAndFile(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	lines := eventLines(t, straddleCases[0].folder)
	ts.postLines(t, lines[:5])
	stopService(t, ts)
	at, _, err := decodeSnapshot(readFile(t, cfg.Data, corrStateFile))
	if err != nil || at != 5 {
		t.Fatalf("snapshot at %d (%v), want 5", at, err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Data, corrStateFile+".tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary snapshot file left behind: %v", err)
	}
	ts = startService(t, cfg)
	ts.postLines(t, nil)
	req := ts.base + "/metrics"
	resp, err := httpGet(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"vigil_correlation_snapshot_position 5\n", "vigil_correlation_open_windows 1\n"} {
		if !strings.Contains(resp, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestCorrelationConfig(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		want    time.Duration
		wantErr string
	}{
		{"default", "", nil, DefaultSnapshotEvery, ""},
		{"file", "correlation:\n  snapshot_every: 10s\n", nil, 10 * time.Second, ""},
		{"environment wins", "correlation:\n  snapshot_every: 10s\n", map[string]string{"VIGIL_CORRELATION_SNAPSHOT_EVERY": "2m"}, 2 * time.Minute, ""},
		{"bad duration", "", map[string]string{"VIGIL_CORRELATION_SNAPSHOT_EVERY": "soon"}, 0, "VIGIL_CORRELATION_SNAPSHOT_EVERY"},
		{"not positive", "correlation:\n  snapshot_every: 0s\n", nil, 0, "correlation.snapshot_every"},
		{"misspelt key", "correlation:\n  snapshot_evry: 10s\n", nil, 0, "snapshot_evry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			path := filepath.Join(t.TempDir(), "vigil.yml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			err := cfg.LoadConfig(path)
			if err == nil {
				err = cfg.ApplyEnv(func(k string) string { return tc.env[k] })
			}
			if err == nil {
				err = cfg.Validate()
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || cfg.Correlation.SnapshotEvery != tc.want {
				t.Errorf("snapshot_every %v (%v), want %v", cfg.Correlation.SnapshotEvery, err, tc.want)
			}
		})
	}
}

// FuzzSnapshotFile reads damaged snapshot files into an engine: never a
// panic, and an error unless the file decodes.
func FuzzSnapshotFile(f *testing.F) {
	set := sigma.LoadFS(rules.FS, "vigil-rules", sigma.Options{})
	e, err := correlate.New(set.Rules, set.Correlations)
	if err != nil {
		f.Fatal(err)
	}
	state, _ := e.MarshalState()
	f.Add(encodeSnapshot(7, state))
	f.Add([]byte("short"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pos, st, err := decodeSnapshot(b)
		if err != nil {
			return
		}
		if got := encodeSnapshot(pos, st); !bytes.Equal(got, b) {
			t.Fatalf("decoded %d and %d state bytes, which encode differently", pos, len(st))
		}
		fresh, _ := correlate.New(set.Rules, set.Correlations)
		fresh.UnmarshalState(st) // an error is fine; a panic is not
	})
}

func httpGet(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
