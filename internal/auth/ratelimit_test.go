package auth

import (
	"testing"
	"time"
)

func TestLoginLimiter(t *testing.T) {
	clk := newClock()
	l := NewLoginLimiter()
	l.Now = clk.Now
	for i := range DefaultLoginFailures {
		if wait := l.Check("user:sam"); wait != 0 {
			t.Fatalf("attempt %d refused for %v", i+1, wait)
		}
		l.Fail("user:sam", "addr:10.0.0.1")
		clk.Add(time.Minute)
	}
	// The first failure was 5 minutes ago; it leaves the window in 10.
	if wait := l.Check("user:sam"); wait != 10*time.Minute {
		t.Errorf("after %d failures: wait %v, want 10m", DefaultLoginFailures, wait)
	}
	if wait := l.Check("user:kim", "addr:10.0.0.1"); wait != 10*time.Minute {
		t.Errorf("another account from the same address: wait %v, want 10m", wait)
	}
	if wait := l.Check("user:kim", "addr:10.0.0.2"); wait != 0 {
		t.Errorf("another account and address: wait %v, want 0", wait)
	}
	clk.Add(10 * time.Minute)
	if wait := l.Check("user:sam"); wait != 0 {
		t.Errorf("after the window: wait %v, want 0", wait)
	}
	l.Fail("user:sam")
	if wait := l.Check("user:sam"); wait == 0 {
		t.Error("a failure after the window did not count with the four still in it")
	}
	l.Reset("user:sam")
	if wait := l.Check("user:sam"); wait != 0 {
		t.Errorf("after Reset: wait %v", wait)
	}
}
