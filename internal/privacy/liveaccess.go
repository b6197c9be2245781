package privacy

import "strings"

// liveAccess is an audit event as Live keeps it: its fact, with the
// strings replaced by their index in Live's table (liveStrings). 32
// bytes and no pointers, where the access.Access it was read from took
// about 480 bytes and a dozen allocations of its own.
type liveAccess struct {
	t                         int64
	user, name, role, pat, id uint32
	kind                      recKind
	bg                        bool
}

// liveStrings is Live's table of the strings its accesses name: user ids,
// names and roles, patient keys, break-glass event ids. Each is kept once
// however many accesses name it. Index 0 is "".
type liveStrings struct {
	idx   map[string]uint32
	names []string
}

func newLiveStrings() liveStrings {
	return liveStrings{idx: map[string]uint32{"": 0}, names: []string{""}}
}

// id returns the index of s, keeping a copy of s if it is new: s may be a
// view of an event that its owner reuses.
func (t *liveStrings) id(s string) uint32 {
	if i, ok := t.idx[s]; ok {
		return i
	}
	if t.idx == nil { // a zero table
		*t = newLiveStrings()
		if s == "" {
			return 0
		}
	}
	s = strings.Clone(s)
	i := uint32(len(t.names))
	t.idx[s] = i
	t.names = append(t.names, s)
	return i
}

// keep interns f's strings into t.
func (t *liveStrings) keep(f fact) liveAccess {
	return liveAccess{t: f.t, user: t.id(f.user), name: t.id(f.name), role: t.id(f.role), pat: t.id(f.pat), id: t.id(f.id), kind: f.kind, bg: f.bg}
}

// fact is the access's fact again, its strings looked up in names (the
// table's names as they were when the access was kept, or later).
func (a *liveAccess) fact(names []string) fact {
	return fact{t: a.t, user: names[a.user], name: names[a.name], role: names[a.role], pat: names[a.pat], id: names[a.id], kind: a.kind, bg: a.bg}
}

// compact keeps the accesses from the nth on, in a new slice with a new
// table holding only the strings they name, so that the strings of
// dropped accesses (patients and users no longer seen) are not kept
// forever. The old slice and table are left as they were, for an
// analysis that may still be reading them.
func compact(accs []liveAccess, names []string, n int) ([]liveAccess, liveStrings) {
	t := newLiveStrings()
	kept := make([]liveAccess, 0, len(accs)-n)
	for i := n; i < len(accs); i++ {
		kept = append(kept, t.keep(accs[i].fact(names)))
	}
	return kept, t
}
