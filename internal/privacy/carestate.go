package privacy

import (
	"maps"
	"slices"
)

// Live keeps the care records (ADT and SIU) folded as they arrive into an
// Auditor that holds nothing else: its patients (identity and
// demographics, the latest as AddADT applies them), episodes, explicit
// links, merges and hospital numbers. Folding at arrival is what the
// offline Auditor does too, message by message in the same order, so the
// facts are the same; only the parsed messages are not kept. Each
// analysis starts from a copy of it (importCare), and the episodes and
// links that can no longer explain an access kept are dropped
// (dropCareBefore).

// newCareState returns an Auditor for Live's care records: it keeps its
// own copy of every string (words), so that no message is kept alive by
// a string it gave, and each registered carer once (carers).
func newCareState(opts Options) *Auditor {
	a := New(opts)
	a.words, a.carers = map[string]string{}, map[link]bool{}
	return a
}

// importCare copies the care facts of c (a care state) into a, which holds
// the roster and nothing else yet: users named by care records are added
// in the order c first saw them, and patients likewise, so that a
// numbers them as it would have by adding every message itself. What a's
// analysis changes (episodes' patients and stays, patient records) is
// copied; the rest is shared read-only with c, which replaces rather
// than changes it.
func (a *Auditor) importCare(c *Auditor) {
	users := make([]uint32, len(c.users.names))
	for i, id := range c.users.names {
		users[i] = a.user(id)
	}
	pats := make([]uint32, len(c.pats.names))
	for i, k := range c.pats.names {
		pats[i] = a.patient(k)
		a.patients[pats[i]] = c.patients[i]
	}
	a.episodes = slices.Grow(a.episodes, len(c.episodes))
	for _, e := range c.episodes {
		e.pat = pats[e.pat]
		e.stays = slices.Clone(e.stays)
		e.clin, e.ref = remapUsers(e.clin, users), remapUsers(e.ref, users)
		a.episodes = append(a.episodes, e)
	}
	a.links = slices.Grow(a.links, len(c.links))
	for _, l := range c.links {
		l.user, l.pat = users[l.user], pats[l.pat]
		a.links = append(a.links, l)
	}
	a.aliases, a.mrn = maps.Clone(c.aliases), maps.Clone(c.mrn)
	a.counts.adt, a.counts.appts = c.counts.adt, c.counts.appts
	for k, n := range c.counts.errors {
		a.counts.errors[k] += n
	}
}

// remapUsers returns list with each user index replaced by its index in
// the importing Auditor, in a new slice.
func remapUsers(list, users []uint32) []uint32 {
	if len(list) == 0 {
		return nil
	}
	out := make([]uint32, len(list))
	for i, u := range list {
		out[i] = users[u]
	}
	return out
}

// careDropped counts what dropCareBefore dropped.
type careDropped struct {
	episodes, links int
}

// dropCareBefore drops the episodes and links whose every window (care,
// ward stay, referral, clerk, registered carer) ended before cut, the
// time of the oldest access kept: they can explain no access kept, nor
// justify its break-glass, nor make its patient's care current, nor count
// towards a service department. Patients, merges and hospital numbers are
// kept. A later message about a dropped visit starts it afresh.
func (a *Auditor) dropCareBefore(cut int64) careDropped {
	var d careDropped
	moved := make([]int32, len(a.episodes)) // old index -> new, -1 when dropped
	kept := a.episodes[:0]
	for i := range a.episodes {
		if a.episodeExpiry(&a.episodes[i]) < cut {
			moved[i] = -1
			d.episodes++
			continue
		}
		moved[i] = int32(len(kept))
		kept = append(kept, a.episodes[i])
	}
	clear(a.episodes[len(kept):]) // release the dropped episodes' slices
	a.episodes = shrink(kept)
	for k, i := range a.visits {
		if moved[i] < 0 {
			delete(a.visits, k)
		} else {
			a.visits[k] = moved[i]
		}
	}
	n := len(a.links)
	a.links = shrink(slices.DeleteFunc(a.links, func(l link) bool {
		if l.to >= cut {
			return false
		}
		delete(a.carers, l)
		return true
	}))
	d.links = n - len(a.links)
	return d
}

// shrink returns s in a slice of its own size when it fills less than
// half of its array, so that memory freed by dropping is returned.
func shrink[T any](s []T) []T {
	if cap(s) > 2*len(s)+64 {
		return slices.Clone(s)
	}
	return s
}

// episodeExpiry is the last moment episode e explains an access by any
// of the windows buildIndex and explain give it: its care window (which
// its referral window ends with) and each ward stay's; maxTime while it
// is open.
func (a *Auditor) episodeExpiry(e *episode) int64 {
	_, last := a.careWindow(e)
	for j := range e.stays {
		_, to := a.stayWindow(e, j)
		last = max(last, to)
	}
	return last
}
