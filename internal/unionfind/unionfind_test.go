package unionfind

import "testing"

func TestJoinAndFind(t *testing.T) {
	s := New(6)
	s.Join(0, 1)
	s.Join(2, 3)
	s.Join(1, 3)
	tests := []struct {
		a, b int
		same bool
	}{
		{0, 3, true}, {1, 2, true}, {0, 0, true},
		{0, 4, false}, {4, 5, false}, {3, 5, false},
	}
	for _, tc := range tests {
		if got := s.Find(tc.a) == s.Find(tc.b); got != tc.same {
			t.Errorf("%d and %d in one set: %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
	s.Join(4, 5)
	s.Join(5, 0)
	for i := range 6 {
		if s.Find(i) != s.Find(0) {
			t.Errorf("after joining all, %d is apart", i)
		}
	}
}

func TestLongChainStaysCorrect(t *testing.T) {
	const n = 10000
	s := New(n)
	for i := 1; i < n; i++ {
		s.Join(i-1, i)
	}
	if s.Find(0) != s.Find(n-1) {
		t.Fatal("the ends of a chain are apart")
	}
}
