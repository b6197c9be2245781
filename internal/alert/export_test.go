package alert

// SetCompactFloor lets the external tests compact small logs; it returns
// a function that restores the floor.
func SetCompactFloor(n int64) (restore func()) {
	old := compactFloor
	compactFloor = n
	return func() { compactFloor = old }
}

// SetSync turns fsync off for fuzzing; it returns a function that turns it
// back on.
func SetSync(on bool) (restore func()) {
	old := syncWrites
	syncWrites = on
	return func() { syncWrites = old }
}
