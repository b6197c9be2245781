//go:build unix

package eventstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/crashtest"
	"github.com/vigilhealth/vigil/internal/event"
)

// crashDirEnv, when set, makes the test binary a crash-test child that
// appends to the store in that directory until it is killed.
const crashDirEnv = "VIGIL_EVENTSTORE_CRASH_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir)
		os.Exit(0) // not reached: the parent kills the child
	}
	os.Exit(m.Run())
}

// crashOptions make segments seal and retention delete often, so that
// kills land in both.
var crashOptions = Options{SegmentBytes: 16 << 10, MaxBytes: 256 << 10, SyncEvery: 5e6}

// crashChild appends from where the store stands, one to three records a
// call, printing "ack LAST" after each Append.
func crashChild(dir string) {
	s, err := Open(dir, crashOptions)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	pos, _ := s.Position(ctx)
	for call := 0; ; call++ {
		var recs []Record
		for range 1 + call%3 {
			pos++
			recs = append(recs, Record{Seq: pos, Data: crashEvent(pos)})
		}
		if err := s.Append(ctx, recs); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		os.Stdout.WriteString(fmt.Sprintf("ack %d\n", pos))
	}
}

// crashEvent is record seq's event: recomputable by the parent.
func crashEvent(seq uint64) []byte {
	var ev event.Event
	ev.Set("Seq", strconv.FormatUint(seq, 10))
	ev.Set("Pad", strings.Repeat("p", int(seq*37%500)))
	return ev.AppendBinary(nil)
}

func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	var acked uint64
	for round := range 6 {
		if round%2 == 1 {
			tearActive(t, dir)
		}
		lines := crashtest.Kill(t, "TestCrashRecovery", crashDirEnv+"="+dir)
		for _, l := range lines {
			var p uint64
			if _, err := fmt.Sscanf(l, "ack %d\n", &p); err != nil || p <= acked {
				t.Fatalf("round %d: child printed %q after acknowledging %d", round, l, acked)
			}
			acked = p
		}
		checkCrashState(t, dir, acked)
	}
	t.Logf("6 rounds: %d records acknowledged", acked)
}

// tearActive appends half a frame to the newest segment.
func tearActive(t *testing.T, dir string) {
	t.Helper()
	segs, err := listSegments(dir, false)
	if err != nil || len(segs) == 0 {
		t.Fatalf("segments: %v", err)
	}
	f, err := os.OpenFile(segs[len(segs)-1].path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write(appendFrame(nil, 1<<40, crashEvent(7))[:30])
}

// checkCrashState opens the store and checks that its position covers what
// was acknowledged and that every record at or below it is whole: each
// record is the event for its number, and the numbers run without a gap
// from the oldest retained to the position.
func checkCrashState(t *testing.T, dir string, acked uint64) {
	t.Helper()
	s, err := Open(dir, crashOptions)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer s.Close()
	pos, _ := s.Position(context.Background())
	if pos < acked {
		t.Fatalf("position %d after the kill, below the %d acknowledged", pos, acked)
	}
	segs, err := listSegments(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var prev uint64
	for i, sf := range segs {
		_, err := scanFile(sf.path, -1, i < len(segs)-1, func(seq uint64, data []byte, off int64) error {
			if prev != 0 && seq != prev+1 {
				return fmt.Errorf("record %d follows %d in %s", seq, prev, filepath.Base(sf.path))
			}
			prev = seq
			if string(data) != string(crashEvent(seq)) {
				return fmt.Errorf("record %d at offset %d of %s is damaged", seq, off, filepath.Base(sf.path))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if prev != pos {
		t.Fatalf("the last record is %d, the position %d", prev, pos)
	}
}
