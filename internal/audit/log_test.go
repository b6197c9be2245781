package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// fixedNow is a clock for reproducible entries.
func fixedNow() time.Time { return time.Date(2024, 6, 3, 9, 0, 0, 0, time.UTC) }

func openLog(t *testing.T, dir string, opts Options) *Log {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func sample(i int) Entry {
	return Entry{Who: "alice", Role: "analyst", Action: "GET /api/v1/alerts", Object: fmt.Sprintf("/api/v1/alerts?limit=%d", i),
		Outcome: "granted", Remote: "10.0.0.7:51234", RequestID: fmt.Sprintf("req-%d", i)}
}

func appendN(t *testing.T, l *Log, n int) []Entry {
	t.Helper()
	var out []Entry
	for i := range n {
		e, err := l.Append(sample(i))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func mustVerify(t *testing.T, dir string, key []byte, want int) {
	t.Helper()
	n, err := VerifyKeyed(dir, key)
	if err != nil || n != want {
		t.Fatalf("verify: %d entries, %v; want %d, nil", n, err, want)
	}
}

func TestAppendChains(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	got := appendN(t, l, 5)
	for i, e := range got {
		if e.Seq != uint64(i+1) {
			t.Errorf("entry %d: seq %d", i, e.Seq)
		}
		if i > 0 && e.Prev != got[i-1].Hash {
			t.Errorf("entry %d: prev %q, want %q", i, e.Prev, got[i-1].Hash)
		}
		if len(e.Hash) != 64 || e.Time != fixedNow() {
			t.Errorf("entry %d: hash %q time %v", i, e.Hash, e.Time)
		}
	}
	if got[0].Prev != "" {
		t.Errorf("first prev %q, want empty", got[0].Prev)
	}
	mustVerify(t, dir, nil, 5)
}

func TestConcurrentAppendsShareTheChain(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 8 << 10})
	const workers, each = 16, 40
	sharedtest.Concurrently(t, workers, func(w int) error {
		for i := range each {
			if _, err := l.Append(sample(w*each + i)); err != nil {
				return err
			}
		}
		return nil
	})
	mustVerify(t, dir, nil, workers*each)
	names, _ := files(dir)
	if len(names) < 2 {
		t.Errorf("%d files, want rotation into several", len(names))
	}
}

func TestReopenContinuesTheChainAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxFileBytes: 1 << 10})
	appendN(t, l, 10)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(sample(0)); !errors.Is(err, ErrClosed) {
		t.Errorf("append after close: %v, want ErrClosed", err)
	}
	l2 := openLog(t, dir, Options{MaxFileBytes: 1 << 10})
	e, err := l2.Append(sample(10))
	if err != nil || e.Seq != 11 {
		t.Fatalf("after reopen: seq %d, %v; want 11", e.Seq, err)
	}
	mustVerify(t, dir, nil, 11)
}

func TestTornTailIsDroppedAtOpen(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendN(t, l, 3)
	l.Close()
	path := filepath.Join(dir, fileName(1))
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"seq":4,"time":"2024-06`) // a crash in the middle of a write
	f.Close()
	if n, err := Verify(dir); err != nil || n != 3 {
		t.Errorf("verify with a torn tail: %d, %v; want 3 checked, the tail ignored", n, err)
	}
	var logged bytes.Buffer
	l2 := openLog(t, dir, Options{Logger: textLogger(&logged)})
	e, err := l2.Append(sample(3))
	if err != nil || e.Seq != 4 {
		t.Fatalf("append after recovery: seq %d, %v", e.Seq, err)
	}
	if !strings.Contains(logged.String(), "torn last line") {
		t.Errorf("recovery was not logged: %q", logged.String())
	}
	mustVerify(t, dir, nil, 4)
}

func TestDamagedLastEntryStopsOpen(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendN(t, l, 2)
	l.Close()
	path := filepath.Join(dir, fileName(1))
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append(data, "not json\n"...), 0o600)
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("open over a damaged last entry: %v, want an error saying so", err)
	}
}

func TestKeyedChain(t *testing.T) {
	key := bytes.Repeat([]byte("k"), MinKeyBytes)
	dir := t.TempDir()
	l := openLog(t, dir, Options{Key: key})
	appendN(t, l, 3)
	mustVerify(t, dir, key, 3)
	cases := []struct {
		name string
		key  []byte
		want string
	}{
		{"no key", nil, "verify with the key file"},
		{"wrong key", bytes.Repeat([]byte("x"), MinKeyBytes), "hash mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := VerifyKeyed(dir, c.key)
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Seq != 1 || !strings.Contains(ce.Reason, c.want) {
				t.Errorf("verify: %v, want entry 1: %s", err, c.want)
			}
		})
	}
	plain := t.TempDir()
	appendN(t, openLog(t, plain, Options{}), 1)
	if _, err := VerifyKeyed(plain, key); err == nil || !strings.Contains(err.Error(), "not keyed") {
		t.Errorf("unkeyed entries verified with a key: %v, want 'not keyed'", err)
	}
}

func TestReadKeyFile(t *testing.T) {
	dir := t.TempDir()
	short, long := filepath.Join(dir, "short"), filepath.Join(dir, "long")
	os.WriteFile(short, []byte("abc\n"), 0o600)
	os.WriteFile(long, []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	if _, err := ReadKeyFile(short); err == nil {
		t.Error("a 3-byte key was accepted")
	}
	k, err := ReadKeyFile(long)
	if err != nil || len(k) != 64 {
		t.Errorf("key: %d bytes, %v; want 64", len(k), err)
	}
}
