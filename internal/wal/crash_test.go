package wal

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/crashtest"
)

// crashDirEnv, when set, makes the test binary a crash-test child that
// appends to the log in that directory until it is killed.
const (
	crashDirEnv   = "VIGIL_WAL_CRASH_DIR"
	crashRoundEnv = "VIGIL_WAL_CRASH_ROUND"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir, os.Getenv(crashRoundEnv))
		os.Exit(0) // not reached: the parent kills the child
	}
	os.Exit(m.Run())
}

// crashChild appends from several goroutines and prints each acknowledged
// range as "ack ROUND WRITER CALL FIRST LAST", one write per line so that
// a kill never leaves half a line that looks whole.
func crashChild(dir, round string) {
	l, err := Open(dir, Options{SegmentBytes: 16 << 10})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	var out sync.Mutex
	say := func(s string) {
		out.Lock()
		defer out.Unlock()
		os.Stdout.WriteString(s)
	}
	say(fmt.Sprintf("ready %d\n", l.Stats().TornBytes)) // what recovery cut
	for w := range 4 {
		go func() {
			for call := 0; ; call++ {
				recs := make([][]byte, 1+call%3)
				for k := range recs {
					recs[k] = crashPayload(round, w, call, k)
				}
				first, last, err := l.Append(recs...)
				if err != nil {
					fmt.Fprintln(os.Stderr, "child:", err)
					os.Exit(3)
				}
				say(fmt.Sprintf("ack %s %d %d %d %d\n", round, w, call, first, last))
			}
		}()
	}
	select {}
}

// crashPayload is the k-th record of a child's call: unique, of varying
// length, and recomputable by the parent.
func crashPayload(round string, w, call, k int) []byte {
	p := fmt.Sprintf("r%s w%d c%d k%d ", round, w, call, k)
	return []byte(p + strings.Repeat("p", (call*37+k*11)%300))
}

func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	acked := map[uint64]string{} // sequence number -> payload
	const rounds = 6
	for round := range rounds {
		got := crashRound(t, dir, round)
		for seq, p := range got {
			if old, ok := acked[seq]; ok {
				t.Fatalf("round %d: sequence number %d acknowledged twice (%q, then %q)", round, seq, old, p)
			}
			acked[seq] = p
		}
	}
	l := openLog(t, dir, Options{})
	seen := map[string]uint64{}
	next := uint64(1)
	err := l.Read(0, func(seq uint64, b []byte) error {
		if seq != next {
			return fmt.Errorf("record %d follows %d: numbers must be dense", seq, next-1)
		}
		next++
		p := string(b)
		if !strings.HasPrefix(p, "r") || strings.Trim(p[strings.LastIndexByte(p, ' ')+1:], "p") != "" {
			return fmt.Errorf("record %d is not a whole payload: %q", seq, p)
		}
		if prev, dup := seen[p]; dup {
			return fmt.Errorf("payload %.30q is both record %d and %d", p, prev, seq)
		}
		seen[p] = seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for seq, want := range acked {
		if got, ok := seen[want]; !ok || got != seq {
			t.Fatalf("acknowledged record %d (%.30q) is missing or moved (found at %d)", seq, want, got)
		}
	}
	if len(acked) == 0 {
		t.Fatal("no record was acknowledged in any round")
	}
	t.Logf("%d rounds: %d records acknowledged, %d in the log, %d segments", rounds, len(acked), len(seen), l.Stats().Segments)
}

// crashRound runs a child on dir, kills it with SIGKILL at a random moment
// after its first acknowledgements, and returns what it acknowledged.
func crashRound(t *testing.T, dir string, round int) map[uint64]string {
	t.Helper()
	return parseAcks(t, crashtest.Kill(t, "TestCrashRecovery", crashDirEnv+"="+dir, crashRoundEnv+"="+strconv.Itoa(round)))
}

func parseAcks(t *testing.T, lines []string) map[uint64]string {
	t.Helper()
	acked := map[uint64]string{}
	for _, line := range lines {
		if strings.HasPrefix(line, "ready ") {
			continue
		}
		var round string
		var w, call int
		var first, last uint64
		if _, err := fmt.Sscanf(line, "ack %s %d %d %d %d\n", &round, &w, &call, &first, &last); err != nil {
			t.Fatalf("child printed %q: %v", line, err)
		}
		if last-first+1 != uint64(1+call%3) {
			t.Fatalf("child's call of %d records was acknowledged as %d..%d", 1+call%3, first, last)
		}
		for k := range int(last - first + 1) {
			acked[first+uint64(k)] = string(crashPayload(round, w, call, k))
		}
	}
	return acked
}
