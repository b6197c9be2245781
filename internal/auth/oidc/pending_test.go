package oidc

import (
	"strconv"
	"testing"
	"time"
)

func TestPendingStore(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	s := newPendingStore(func() time.Time { return now })
	if !s.put("s1", pending{nonce: "n1", created: now}) {
		t.Fatal("put refused in an empty store")
	}
	if _, ok := s.take("other"); ok {
		t.Error("an unknown state was taken")
	}
	if p, ok := s.take("s1"); !ok || p.nonce != "n1" {
		t.Errorf("take(s1) = %+v, %v", p, ok)
	}
	if _, ok := s.take("s1"); ok {
		t.Error("a state was taken twice")
	}
	s.put("old", pending{created: now.Add(-pendingTTL)})
	if _, ok := s.take("old"); ok {
		t.Error("an expired state was taken")
	}
}

// TestPendingStoreBounded: when full, expired logins make room; live
// ones are never dropped for new ones.
func TestPendingStoreBounded(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	s := newPendingStore(func() time.Time { return now })
	for i := range maxPending {
		s.put(strconv.Itoa(i), pending{created: now})
	}
	if s.put("one more", pending{created: now}) {
		t.Fatal("a full store of live logins took one more")
	}
	now = now.Add(pendingTTL)
	if !s.put("after expiry", pending{created: now}) {
		t.Fatal("a store full of expired logins refused a new one")
	}
	if len(s.m) != 1 {
		t.Errorf("after the sweep the store holds %d logins, want 1", len(s.m))
	}
}
