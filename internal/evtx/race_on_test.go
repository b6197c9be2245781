//go:build race

package evtx

// raceEnabled reports a -race build, in which sync.Pool drops a share of
// what it is given on purpose, so pooled Reader state is often rebuilt.
const raceEnabled = true
