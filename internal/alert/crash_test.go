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
	"github.com/vigilhealth/vigil/internal/crashtest"
)

// crashDirEnv, when set, makes the test binary a crash-test child that
// commits to the store in that directory until it is killed.
const crashDirEnv = "VIGIL_ALERT_CRASH_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir)
		os.Exit(0) // not reached: the parent kills the child
	}
	os.Exit(m.Run())
}

const hotAlerts = 5

// crashChild commits from where the store stands, one position at a time:
// a new alert "new-POS", updates of "hot-0" to "hot-4" counting POS, and an
// incident, printing "ack POS COMPACTIONS" after each commit. The updates
// grow the log faster than the state, and a low compaction floor makes it
// compact often, so that kills land in compactions too.
func crashChild(dir string) {
	alert.SetCompactFloor(32 << 10)
	s, err := alert.OpenFileStore(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	pos, err := s.Position(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	fmt.Printf("ready %d %d\n", pos, s.Stats().TornBytes)
	for {
		pos++
		as := []*alert.Alert{crashAlert(fmt.Sprint("new-", pos), pos)}
		for k := range hotAlerts {
			as = append(as, crashAlert(fmt.Sprint("hot-", k), pos))
		}
		inc := &alert.Incident{ID: fmt.Sprint("inc-", pos%3), Level: "high", LastSeen: ts.Add(time.Duration(pos) * time.Second), AlertIDs: []string{as[0].ID}}
		if err := s.Commit(ctx, pos, as, []*alert.Incident{inc}); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		os.Stdout.WriteString(fmt.Sprintf("ack %d %d\n", pos, s.Stats().Compactions)) // one write: a kill never leaves half a line that looks whole
	}
}

func crashAlert(id string, pos uint64) *alert.Alert {
	a := sample(id, int(pos))
	a.Event = map[string]any{"pad": strings.Repeat("p", int(pos*37%400))}
	return a
}

func TestFileStoreCrash(t *testing.T) {
	dir := t.TempDir()
	var acked uint64
	torn, compactions := 0, 0
	const rounds = 6
	for round := range rounds {
		if round%2 == 1 {
			tearTail(t, dir)
		}
		last, cut, c := crashRound(t, dir, round)
		compactions += c
		if cut {
			torn++
		}
		if round%2 == 1 && !cut {
			t.Fatalf("round %d: the child's Open did not cut the torn tail left for it", round)
		}
		if last < acked {
			t.Fatalf("round %d: the child acknowledged up to %d, below the %d acknowledged before", round, last, acked)
		}
		acked = last
		checkCrashState(t, dir, acked)
	}
	if compactions == 0 {
		t.Fatal("no round compacted the log: the kills never met a compaction")
	}
	t.Logf("%d rounds: %d commits acknowledged, %d compactions; %d reopenings cut a torn tail", rounds, acked, compactions, torn)
}

// tearTail appends the start of a frame to the log, as a power cut during
// a write can leave: a header promising 500 bytes and 100 of them.
func tearTail(t *testing.T, dir string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "alerts.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(append([]byte{0xf4, 0x01, 0, 0, 1, 2, 3, 4}, strings.Repeat("x", 100)...)); err != nil {
		t.Fatal(err)
	}
}

// checkCrashState opens the store and checks that every acknowledged commit
// is there, whole, and nothing beyond the stored position.
func checkCrashState(t *testing.T, dir string, acked uint64) {
	t.Helper()
	s := openStore(t, dir)
	defer s.Close()
	ctx := context.Background()
	pos, err := s.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pos < acked {
		t.Fatalf("position %d after the crash, below the acknowledged %d", pos, acked)
	}
	all, err := s.Alerts(ctx, alert.Query{Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*alert.Alert{}
	for _, a := range all {
		byID[a.ID] = a
	}
	if len(byID) != int(pos)+hotAlerts {
		t.Fatalf("%d alerts at position %d, want %d new and %d hot", len(byID), pos, pos, hotAlerts)
	}
	for p := uint64(1); p <= pos; p++ {
		a := byID[fmt.Sprint("new-", p)]
		if a == nil || a.Count != int(p) || len(a.Event["pad"].(string)) != int(p*37%400) {
			t.Fatalf("alert new-%d is missing or damaged at position %d: %+v", p, pos, a)
		}
	}
	for k := range hotAlerts {
		if a := byID[fmt.Sprint("hot-", k)]; a == nil || a.Count != int(pos) {
			t.Fatalf("alert hot-%d at position %d: %+v, want the latest version, of count %d", k, pos, a, pos)
		}
	}
}

// crashRound runs a child on dir, kills it with SIGKILL at a random moment
// after its first acknowledgement, and returns the last position it
// acknowledged and whether its Open cut a torn tail.
func crashRound(t *testing.T, dir string, round int) (last uint64, cut bool, compactions int) {
	t.Helper()
	return parseCrashLines(t, round, crashtest.Kill(t, "TestFileStoreCrash", crashDirEnv+"="+dir))
}

func parseCrashLines(t *testing.T, round int, lines []string) (last uint64, cut bool, compactions int) {
	t.Helper()
	var start uint64
	var torn int64
	if _, err := fmt.Sscanf(lines[0], "ready %d %d\n", &start, &torn); err != nil {
		t.Fatalf("round %d: child printed %q first: %v", round, lines[0], err)
	}
	last = start
	for _, line := range lines[1:] {
		var p uint64
		if _, err := fmt.Sscanf(line, "ack %d %d\n", &p, &compactions); err != nil || p != last+1 {
			t.Fatalf("round %d: child printed %q after acknowledging %d", round, line, last)
		}
		last = p
	}
	return last, torn > 0, compactions
}
