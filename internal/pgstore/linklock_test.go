package pgstore_test

import (
	"context"
	"testing"

	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestLinkerLock: one node of a deployment holds the linker's lock at a
// time; another deployment (schema) is not excluded.
func TestLinkerLock(t *testing.T) {
	key := t.TempDir()
	ctx := context.Background()
	one, two := pgtest.Open(t, key, pgstore.Options{}), pgtest.Open(t, key, pgstore.Options{})
	other := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	unlock, ok, err := one.TryLinkerLock(ctx)
	if err != nil || !ok {
		t.Fatalf("first lock: %v, %v", ok, err)
	}
	if _, ok, err := two.TryLinkerLock(ctx); err != nil || ok {
		t.Errorf("second node took the held lock: %v, %v", ok, err)
	}
	u3, ok, err := other.TryLinkerLock(ctx)
	if err != nil || !ok {
		t.Errorf("another schema's lock: %v, %v", ok, err)
	} else {
		u3()
	}
	unlock()
	u2, ok, err := two.TryLinkerLock(ctx)
	if err != nil || !ok {
		t.Fatalf("lock after unlock: %v, %v", ok, err)
	}
	u2()
}
