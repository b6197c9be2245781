package care

import (
	"math"
	"math/rand/v2"
	"time"
	_ "time/tzdata" // Europe/London must load on hosts without zoneinfo
)

// london is the zone the trust lives in: rotas, HL7 timestamps and the
// out-of-hours boundary are in local time, across the BST change.
var london = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil { // unreachable with time/tzdata embedded
		panic(err)
	}
	return loc
}()

// Streams of randomness, one per concern, so that a change to how one part
// is generated does not reshuffle the others.
const (
	streamPlaces uint64 = iota + 1
	streamPeople
	streamStaff
	streamVisits
	streamMisuse
	streamDay = 1 << 20 // + day index: the access log of one day
)

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream^0x9e3779b97f4a7c15))
}

// poisson draws from a Poisson distribution by Knuth's method, which is
// exact and quick for the small means used here.
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return int(math.Max(0, math.Round(r.NormFloat64()*math.Sqrt(mean)+mean)))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// pick returns a random element of list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// between returns a random time in [from, to); from when the span is empty.
func between(r *rand.Rand, from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= 0 {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(d))))
}

// weighted picks an index with probability proportional to its weight.
type weighted struct {
	cum   []float64
	total float64
}

func newWeighted(weights []float64) weighted {
	w := weighted{cum: make([]float64, len(weights))}
	for i, x := range weights {
		w.total += x
		w.cum[i] = w.total
	}
	return w
}

func (w weighted) pick(r *rand.Rand) int {
	x := r.Float64() * w.total
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if w.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
