package eventstore

import (
	"encoding/binary"
	"math/bits"
)

// bitset is a fixed-size set of bits, a power of two long.
type bitset []uint64

func newBitset(log uint8) bitset { return make(bitset, (1<<log)/64) }

func (b bitset) set(i uint64)      { b[i/64&uint64(len(b)-1)] |= 1 << (i % 64) }
func (b bitset) has(i uint64) bool { return b[i/64&uint64(len(b)-1)]&(1<<(i%64)) != 0 }

// mask turns a hash into a bit index.
func (b bitset) mask(h uint64) uint64 { return h & (uint64(len(b))*64 - 1) }

// Bloom filter parameters of the pair filter: probes per pair.
const pairProbes = 3

// addPairHash and hasPair use double hashing over one 64-bit hash:
// addPairHash adds the pair whose pairHash is h.
func (b bitset) addPairHash(h uint64) {
	h1, h2 := h, h>>32|1
	for k := range uint64(pairProbes) {
		b.set(b.mask(h1 + k*h2))
	}
}

func (b bitset) hasPair(name, value string) bool {
	h := pairHash([]byte(name), []byte(value))
	h1, h2 := h, h>>32|1
	for k := range uint64(pairProbes) {
		if !b.has(b.mask(h1 + k*h2)) {
			return false
		}
	}
	return true
}

// pairSeed starts the hash of a pair's name.
const pairSeed = 0x5eed

func pairHash(name, value []byte) uint64 { return hashBytes(hashBytes(pairSeed, name), value) }

// addTrigrams sets the bit of every three-byte window of s. It reads
// eight bytes at a time, which hold six windows: indexing every value of
// every event, this loop is most of what an append costs.
func (b bitset) addTrigrams(s []byte) {
	m := uint64(len(b))*64 - 1
	i := 0
	for ; i+8 <= len(s); i += 6 {
		w := binary.LittleEndian.Uint64(s[i:])
		b.setTrigram(w, m)
		b.setTrigram(w>>8, m)
		b.setTrigram(w>>16, m)
		b.setTrigram(w>>24, m)
		b.setTrigram(w>>32, m)
		b.setTrigram(w>>40, m)
	}
	for ; i+3 <= len(s); i++ {
		b.setTrigram(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16, m)
	}
}

// setTrigram sets the bit of the trigram in the low 24 bits of k (the
// rest is ignored), as trigramHash spreads it; m is the bitset's mask.
func (b bitset) setTrigram(k, m uint64) {
	i := ((k & 0xffffff) * 0x9e3779b97f4a7c15 >> 20) & m
	b[i>>6] |= 1 << (i & 63)
}

// hasTrigrams reports whether every trigram of s is set; a string shorter
// than three bytes has none to test.
func (b bitset) hasTrigrams(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		if !b.has(b.mask(trigramHash(s[i], s[i+1], s[i+2]))) {
			return false
		}
	}
	return true
}

// trigramHash spreads a trigram's 24 bits over 64 by multiplication, so
// that any power-of-two mask of it is well mixed.
func trigramHash(a, b, c byte) uint64 {
	k := uint64(a) | uint64(b)<<8 | uint64(c)<<16
	return (k * 0x9e3779b97f4a7c15) >> 20
}

// hashBytes is a small stable hash (the index is on disk, so the hash must
// not change between processes, which rules out hash/maphash): eight bytes
// at a time, multiply and rotate, with a final avalanche.
func hashBytes(seed uint64, b []byte) uint64 {
	const p1, p2 = 0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f
	h := seed ^ uint64(len(b))*p1
	for len(b) >= 8 {
		h = bits.RotateLeft64(h^binary.LittleEndian.Uint64(b)*p2, 31) * p1
		b = b[8:]
	}
	var tail uint64
	for i, c := range b {
		tail |= uint64(c) << (8 * i)
	}
	h = bits.RotateLeft64(h^tail*p2, 31) * p1
	h ^= h >> 33
	h *= p2
	h ^= h >> 29
	return h
}
