package fhir

// slab hands out values of one type for the scanner's scratch resource,
// from storage reused from one AuditEvent to the next, so that decoding
// allocates nothing once the slab has grown to fit.
//
// A value or array handed out stays where it is until reset: when the
// current chunk is full a new one is started (moving only an array still
// being built), and the old chunk lives on as long as something points
// into it. An array of T must not be built while another value of T is
// being decoded into; the resource's element types never nest in
// themselves, so each type has its own slab.
type slab[T any] struct{ buf []T }

// one returns a zero value.
func (s *slab[T]) one() *T {
	start := len(s.buf)
	return s.push(&start)
}

// push appends a zero value to the array that starts at *start and
// returns it; *start moves if the array had to move to a new chunk.
func (s *slab[T]) push(start *int) *T {
	if len(s.buf) == cap(s.buf) {
		n := len(s.buf) - *start
		buf := make([]T, n, max(16, 2*cap(s.buf), 2*n))
		copy(buf, s.buf[*start:])
		s.buf, *start = buf, 0
	}
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}

// since returns the array that starts at start, capped so that an append
// to it copies rather than overwrites the slab.
func (s *slab[T]) since(start int) []T {
	return s.buf[start:len(s.buf):len(s.buf)]
}

// reset zeroes the values handed out, so that the slab keeps no reference
// to the input they were decoded from, and makes its storage reusable.
func (s *slab[T]) reset() {
	clear(s.buf)
	s.buf = s.buf[:0]
}
