package eventstore

// Limits of seenPairs: slots (a power of two), bytes of remembered pairs,
// and the longest pair remembered. Longer values are mostly unique
// (command lines, hashes) and are indexed every time.
const (
	seenSlots    = 1 << 12
	seenArena    = 256 << 10
	seenMaxBytes = 256
)

// seenPairs remembers the name=value pairs, as written, indexed most
// recently, exactly (their bytes, not only their hash), in a direct-mapped
// table: a pair is forgotten when another with the same slot arrives, and
// all are when the arena fills. Forgetting costs only work, never a wrong
// answer: the pair is then indexed again, which sets no new bit.
type seenPairs struct {
	slots []seenSlot
	arena []byte
}

// seenSlot locates one remembered pair in the arena; off is its offset
// plus one, 0 for an empty slot.
type seenSlot struct {
	h          uint64
	off        uint32
	nlen, vlen uint16
}

// has reports whether name=value, whose pair hash is h, is remembered.
func (s *seenPairs) has(h uint64, name, value []byte) bool {
	if s.slots == nil {
		return false
	}
	sl := &s.slots[h&(seenSlots-1)]
	if sl.off == 0 || sl.h != h || int(sl.nlen) != len(name) || int(sl.vlen) != len(value) {
		return false
	}
	at := int(sl.off - 1)
	return string(s.arena[at:at+len(name)]) == string(name) &&
		string(s.arena[at+len(name):at+len(name)+len(value)]) == string(value)
}

// fits reports whether name=value is short enough to be remembered.
func (s *seenPairs) fits(name, value []byte) bool { return len(name)+len(value) <= seenMaxBytes }

// add remembers name=value, whose pair hash is h, if it fits.
func (s *seenPairs) add(h uint64, name, value []byte) {
	n := len(name) + len(value)
	if n > seenMaxBytes {
		return
	}
	if s.slots == nil {
		s.slots = make([]seenSlot, seenSlots)
		s.arena = make([]byte, 0, seenArena)
	}
	if len(s.arena)+n > cap(s.arena) {
		clear(s.slots)
		s.arena = s.arena[:0]
	}
	s.slots[h&(seenSlots-1)] = seenSlot{h: h, off: uint32(len(s.arena) + 1), nlen: uint16(len(name)), vlen: uint16(len(value))}
	s.arena = append(append(s.arena, name...), value...)
}
