package privacy

// LiveStats counts what a Live holds and what it has dropped to stay
// within MaxAccesses, for the server's metrics.
type LiveStats struct {
	// Accesses are the audit events kept; AccessesDropped those dropped
	// (Dropped).
	Accesses        int    `json:"accesses"`
	AccessesDropped uint64 `json:"accesses_dropped"`
	// CareMessages counts the ADT and SIU messages folded in, in all.
	CareMessages int `json:"care_messages"`
	// Patients named by care records: each one's identity (name, address,
	// next of kin, date of death, merges) is kept for as long as Live runs.
	Patients int `json:"patients"`
	// Episodes are the visits and appointments kept; EpisodesDropped
	// those dropped once they ended before the oldest access kept.
	Episodes        int    `json:"episodes"`
	EpisodesDropped uint64 `json:"episodes_dropped"`
	// Links are the relationships care records name outside a visit
	// (the clerk who keyed a message, a registered carer) kept, and
	// LinksDropped those that ended before the oldest access kept.
	Links        int    `json:"links"`
	LinksDropped uint64 `json:"links_dropped"`
}

// Stats returns what l holds now and has dropped so far.
func (l *Live) Stats() LiveStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.care
	return LiveStats{
		Accesses: len(l.accesses), AccessesDropped: l.dropped,
		CareMessages: c.counts.adt + c.counts.appts, Patients: len(c.patients),
		Episodes: len(c.episodes), EpisodesDropped: uint64(l.careDrop.episodes),
		Links: len(c.links), LinksDropped: uint64(l.careDrop.links),
	}
}
