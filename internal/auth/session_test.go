package auth

import (
	"testing"
	"time"
)

func TestSessionsExpire(t *testing.T) {
	cases := []struct {
		name  string
		steps []time.Duration // wait before each Get
		alive []bool
	}{
		{"fresh", []time.Duration{0}, []bool{true}},
		{"idle", []time.Duration{DefaultSessionIdle}, []bool{false}},
		{"kept alive", []time.Duration{20 * time.Minute, 20 * time.Minute, 20 * time.Minute}, []bool{true, true, true}},
		{"whole shift", []time.Duration{25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute,
			25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute,
			25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute,
			25 * time.Minute, 25 * time.Minute, 25 * time.Minute},
			[]bool{true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := newClock()
			s := NewSessions()
			s.Now = clk.Now
			id, sess, err := s.New("sam", RoleAnalyst)
			if err != nil || len(id) != 43 || len(sess.CSRF) != 43 || id == sess.CSRF {
				t.Fatalf("New: %q %+v %v", id, sess, err)
			}
			for i, d := range c.steps {
				clk.Add(d)
				if _, ok := s.Get(id); ok != c.alive[i] {
					t.Fatalf("step %d (after %v): alive %v, want %v", i, d, ok, c.alive[i])
				}
			}
		})
	}
}

func TestSessionsDelete(t *testing.T) {
	s := NewSessions()
	a, _, _ := s.New("sam", RoleAnalyst)
	b, _, _ := s.New("sam", RoleAnalyst)
	c, _, _ := s.New("kim", RoleBoard)
	s.Delete(a)
	if _, ok := s.Get(a); ok {
		t.Error("a deleted session was found")
	}
	s.DeleteUser("sam")
	if _, ok := s.Get(b); ok {
		t.Error("a session of a deleted user was found")
	}
	if got, ok := s.Get(c); !ok || got.User != "kim" {
		t.Errorf("another user's session: %+v, %v", got, ok)
	}
	if s.Len() != 1 {
		t.Errorf("%d sessions, want 1", s.Len())
	}
}
