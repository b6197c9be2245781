package privacy

// interner gives each distinct string a dense index, so that the analysis
// keys maps and slices by small integers instead of strings.
type interner struct {
	idx   map[string]uint32
	names []string
}

func newInterner() interner { return interner{idx: make(map[string]uint32)} }

// id returns the index of s, adding it if new.
func (n *interner) id(s string) uint32 {
	if i, ok := n.idx[s]; ok {
		return i
	}
	i := uint32(len(n.names))
	n.idx[s] = i
	n.names = append(n.names, s)
	return i
}

// lookup returns the index of s if it is known.
func (n *interner) lookup(s string) (uint32, bool) {
	i, ok := n.idx[s]
	return i, ok
}

func (n *interner) len() int { return len(n.names) }

// pairKey packs a user and a patient into one map key.
func pairKey(user, pat uint32) uint64 { return uint64(user)<<32 | uint64(pat) }
