//go:build unix

package dirlock

import (
	"strings"
	"testing"
)

func TestLockKeepsASecondHolderOut(t *testing.T) {
	dir := t.TempDir()
	f, err := Lock(dir, "event store")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir, "event store"); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second Lock: %v, want in use", err)
	}
	Unlock(f)
	g, err := Lock(dir, "event store")
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	Unlock(g)
}
