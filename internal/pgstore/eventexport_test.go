package pgstore

// IndexEvent builds the search columns of one encoded event as the store
// does, for tests that write rows as an older schema held them.
func IndexEvent(data []byte) (timeNs int64, fields []byte, text string) {
	var ix indexer
	return ix.index(0, data)
}

// SetMaxBlockRanges sets the most block ranges a search reads before it
// checks every event, and returns a function that restores it.
func SetMaxBlockRanges(n int) (restore func()) {
	old := maxBlockRanges
	maxBlockRanges = n
	return func() { maxBlockRanges = old }
}
