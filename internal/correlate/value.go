package correlate

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// parseNumber reads a field value as a finite number: decimal (with
// optional exponent) or an integer in 0x hexadecimal, 0o octal or 0b binary,
// around optional spaces.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return float64(i), true
	}
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		return float64(u), true
	}
	return 0, false
}

// percentile is the p-th percentile of xs, interpolated linearly between
// the closest ranks (as numpy's default); xs is sorted in place.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	rank := p / 100 * float64(len(xs)-1)
	lo := int(math.Floor(rank))
	if lo >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[lo] + (rank-float64(lo))*(xs[lo+1]-xs[lo])
}

// splitmix is the SplitMix64 mixing function: a cheap, deterministic
// pseudo-random number from a counter.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// cloneString copies s so that the engine never keeps a caller's buffer.
func cloneString(s string) string { return strings.Clone(s) }
