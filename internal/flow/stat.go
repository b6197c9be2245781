package flow

// stat is an exponentially weighted mean and variance of bucket counts.
// Slots keep it in float32 to hold 168 of them per source in 2 KB; the
// arithmetic is done in float64.
type stat struct {
	n    uint32
	mean float32
	vr   float32
}

// add folds x in with weight max(1/n, floor): a plain average until the
// weight reaches its floor, exponential forgetting after (West's
// incremental weighted variance).
func (s *stat) add(x, floor float64) {
	if s.n < ^uint32(0) {
		s.n++
	}
	a := 1 / float64(s.n)
	if a < floor {
		a = floor
	}
	m, v := float64(s.mean), float64(s.vr)
	d := x - m
	inc := a * d
	m += inc
	v = (1 - a) * (v + d*inc)
	s.mean, s.vr = float32(m), float32(v)
}

// gstat is the global baseline: the same weighting with a 64-bit count.
type gstat struct {
	n    uint64
	mean float64
	vr   float64
}

func (s *gstat) add(x, floor float64) {
	s.n++
	a := 1 / float64(s.n)
	if a < floor {
		a = floor
	}
	d := x - s.mean
	inc := a * d
	s.mean += inc
	s.vr = (1 - a) * (s.vr + d*inc)
}
