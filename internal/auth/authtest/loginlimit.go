package authtest

import (
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
)

// LoginLimits runs the login rate limit suite; open returns a new, empty
// limit with auth's defaults (DefaultLoginFailures in DefaultLoginWindow)
// on the clock now, and a second handle on it, as another API node holds.
func LoginLimits(t *testing.T, open func(t *testing.T, now func() time.Time) (auth.LoginLimit, auth.LoginLimit)) {
	t.Run("window", func(t *testing.T) {
		clk := NewClock()
		l, _ := open(t, clk.Now)
		for i := range auth.DefaultLoginFailures {
			if wait := l.Check("user:sam"); wait != 0 {
				t.Fatalf("attempt %d refused for %v", i+1, wait)
			}
			l.Fail("user:sam", "addr:10.0.0.1")
			clk.Add(time.Minute)
		}
		// The first failure was 5 minutes ago; it leaves the window in 10.
		checks := []struct {
			keys []string
			want time.Duration
		}{
			{[]string{"user:sam"}, 10 * time.Minute},
			{[]string{"user:kim", "addr:10.0.0.1"}, 10 * time.Minute}, // another account, the same address
			{[]string{"user:kim", "addr:10.0.0.2"}, 0},
		}
		for _, c := range checks {
			if wait := l.Check(c.keys...); wait != c.want {
				t.Errorf("after %d failures, Check(%v): wait %v, want %v", auth.DefaultLoginFailures, c.keys, wait, c.want)
			}
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
	})
	t.Run("shared", func(t *testing.T) {
		clk := NewClock()
		a, b := open(t, clk.Now)
		for i := range auth.DefaultLoginFailures {
			h := [2]auth.LoginLimit{a, b}[i%2] // failures spread over two nodes
			if wait := h.Check("user:sam"); wait != 0 {
				t.Fatalf("attempt %d refused for %v", i+1, wait)
			}
			h.Fail("user:sam")
			clk.Add(time.Second)
		}
		for i, h := range []auth.LoginLimit{a, b} {
			if wait := h.Check("user:sam"); wait != auth.DefaultLoginWindow-auth.DefaultLoginFailures*time.Second {
				t.Errorf("handle %d after %d failures over both: wait %v, want the window less %ds", i, auth.DefaultLoginFailures, wait, auth.DefaultLoginFailures)
			}
		}
		b.Reset("user:sam")
		if wait := a.Check("user:sam"); wait != 0 {
			t.Errorf("after Reset on the other handle: wait %v", wait)
		}
	})
}
