// Package unionfind is a disjoint-set forest over the integers 0..n-1:
// joining sets and asking which set an element is in, in near-constant
// time. The incident linker groups incidents with it, and the correlation
// planner groups the rules and correlations that must share a partition.
package unionfind

// Sets is a disjoint-set forest; the zero value holds no elements.
type Sets []int

// New returns n elements, each in a set of its own.
func New(n int) Sets {
	s := make(Sets, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Find returns the representative of i's set; two elements are in the same
// set exactly when their representatives are equal.
func (s Sets) Find(i int) int {
	for s[i] != i {
		s[i] = s[s[i]] // halve the path as we go
		i = s[i]
	}
	return i
}

// Join merges the sets of i and j.
func (s Sets) Join(i, j int) { s[s.Find(i)] = s.Find(j) }
