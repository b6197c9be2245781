// Package audittest is the test suite every audit.Chain must pass, the
// file log and PostgreSQL alike, so that the self-audit chain is the same
// evidence wherever it is kept.
package audittest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// Opener returns the chain kept at dir (a folder, or a name for a
// database schema), hashing with key (nil: plain SHA-256); opening dir
// again after Close gives back the chain appended there.
type Opener func(t *testing.T, dir string, key []byte) audit.Chain

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Links", testLinks},
		{"Concurrent", testConcurrent},
		{"Reopen", testReopen},
		{"Keyed", testKeyed},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

var at = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

func entry(i int) audit.Entry {
	return audit.Entry{Time: at.Add(time.Duration(i) * time.Second), Who: "soc1", Role: "analyst",
		Action: "GET /api/v1/alerts", Object: fmt.Sprintf("/api/v1/alerts/%d", i), Outcome: "granted", Remote: "10.0.0.9:5000", RequestID: fmt.Sprint("r", i)}
}

func appendN(t *testing.T, c audit.Chain, from, n int) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for i := from; i < from+n; i++ {
		e, err := c.Append(entry(i))
		if err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
		out = append(out, e)
	}
	return out
}

func verify(t *testing.T, c audit.Chain, want int) {
	t.Helper()
	n, err := c.Verify()
	if err != nil || n != want {
		t.Fatalf("Verify: %d entries, %v; want %d and no error", n, err, want)
	}
}

func testLinks(t *testing.T, open Opener) {
	c := open(t, t.TempDir(), nil)
	defer c.Close()
	verify(t, c, 0)
	es := appendN(t, c, 0, 5)
	for i, e := range es {
		prev := ""
		if i > 0 {
			prev = es[i-1].Hash
		}
		if e.Seq != uint64(i+1) || e.Prev != prev || e.Hash == "" || e.MAC != "" || !e.Time.Equal(entry(i).Time) {
			t.Fatalf("entry %d: %+v", i+1, e)
		}
	}
	verify(t, c, 5)
	e, err := c.Append(audit.Entry{Who: "x", Action: "login"})
	if err != nil || e.Time.IsZero() || e.Time.Location() != time.UTC {
		t.Fatalf("an entry without a time: %+v, %v; want it stamped now in UTC", e, err)
	}
}

// testConcurrent: appends from many goroutines (or nodes) make one linear
// chain.
func testConcurrent(t *testing.T, open Opener) {
	c := open(t, t.TempDir(), nil)
	defer c.Close()
	const workers, each = 4, 25
	sharedtest.Concurrently(t, workers, func(w int) error {
		for i := range each {
			if _, err := c.Append(entry(w*each + i)); err != nil {
				return err
			}
		}
		return nil
	})
	verify(t, c, workers*each)
}

func testReopen(t *testing.T, open Opener) {
	dir := t.TempDir()
	c := open(t, dir, nil)
	last := appendN(t, c, 0, 3)[2]
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c = open(t, dir, nil)
	defer c.Close()
	e := appendN(t, c, 3, 1)[0]
	if e.Seq != 4 || e.Prev != last.Hash {
		t.Fatalf("first entry after reopening: seq %d prev %q; want 4 after %q", e.Seq, e.Prev, last.Hash)
	}
	verify(t, c, 4)
}

// testKeyed: a keyed chain verifies with its key and not without it.
func testKeyed(t *testing.T, open Opener) {
	dir := t.TempDir()
	key := []byte("0123456789abcdef0123456789abcdef")
	c := open(t, dir, key)
	if e := appendN(t, c, 0, 2)[1]; e.MAC != "hmac-sha256" {
		t.Fatalf("a keyed entry: MAC %q", e.MAC)
	}
	verify(t, c, 2)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c = open(t, dir, nil)
	defer c.Close()
	var ce *audit.ChainError
	if _, err := c.Verify(); !errors.As(err, &ce) || ce.Seq != 1 {
		t.Fatalf("verifying a keyed chain without the key: %v, want a ChainError at entry 1", err)
	}
}

func testClosed(t *testing.T, open Opener) {
	c := open(t, t.TempDir(), nil)
	appendN(t, c, 0, 1)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Append(entry(1)); !errors.Is(err, audit.ErrClosed) {
		t.Fatalf("Append after Close: %v, want ErrClosed", err)
	}
}
