package privacy

import "math/bits"

// kindSet is a set of case kinds, one bit each.
type kindSet uint16

const (
	kFamily kindSet = 1 << iota
	kCoworker
	kVIP
	kNeighbour
	kSelf
	kDeceased
	kMassLookup
	kNoRelationship
	kDepartmentMismatch
	kOutOfHours
	kBreakGlassMisuse
	kRepeatOffender
	numKinds = iota
)

// kindNames are the kinds as cases name them, in bit order.
var kindNames = [numKinds]string{
	"family", "coworker", "vip", "neighbour", "self", "deceased", "mass_lookup",
	"no_relationship", "department_mismatch", "out_of_hours", "breakglass_misuse", "repeat_offender",
}

// KindNames lists every case kind, in the order cases list them.
func KindNames() []string { return append([]string(nil), kindNames[:]...) }

// kindWeights are the points each kind adds to a case's score: the
// relationships that make snooping likely weigh most, the generic signs
// least (docs/privacy.md explains the choice).
var kindWeights = [numKinds]int{
	kFamilyBit:             50,
	kCoworkerBit:           35,
	kVIPBit:                45,
	kNeighbourBit:          35,
	kSelfBit:               40,
	kDeceasedBit:           35,
	kMassLookupBit:         40,
	kNoRelationshipBit:     10,
	kDepartmentMismatchBit: 15,
	kOutOfHoursBit:         10,
	kBreakGlassMisuseBit:   45,
	kRepeatOffenderBit:     20,
}

// Bit positions, for indexing kindWeights.
const (
	kFamilyBit = iota
	kCoworkerBit
	kVIPBit
	kNeighbourBit
	kSelfBit
	kDeceasedBit
	kMassLookupBit
	kNoRelationshipBit
	kDepartmentMismatchBit
	kOutOfHoursBit
	kBreakGlassMisuseBit
	kRepeatOffenderBit
)

// names lists the kinds in s.
func (s kindSet) names() []string {
	out := make([]string, 0, bits.OnesCount16(uint16(s)))
	for i := 0; i < numKinds; i++ {
		if s&(1<<i) != 0 {
			out = append(out, kindNames[i])
		}
	}
	return out
}

// weight sums the weights of the kinds in s.
func (s kindSet) weight() int {
	w := 0
	for i := 0; i < numKinds; i++ {
		if s&(1<<i) != 0 {
			w += kindWeights[i]
		}
	}
	return w
}

// relational are the kinds that come from who the user and patient are,
// not from when or how the record was opened.
const relational = kFamily | kCoworker | kVIP | kNeighbour | kSelf

// generic are the kinds that say only that nothing explains an access; a
// mass look-up case absorbs pair cases with nothing more.
const generic = kNoRelationship | kDepartmentMismatch | kOutOfHours
