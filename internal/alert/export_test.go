package alert

// SetCompactFloor lets the external tests compact small logs; it returns
// a function that restores the floor.
func SetCompactFloor(n int64) (restore func()) {
	old := compactFloor
	compactFloor = n
	return func() { compactFloor = old }
}
