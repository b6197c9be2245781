package privacy

import (
	"slices"
)

// Care teams are mined from the access log itself, as in the research:
// people who work together open the same patients' records. The method:
//
//  1. For every patient, the distinct users who opened their record.
//     Patients opened by more than TeamMaxUsers users are left out: a
//     long stay seen by everyone links people who do not work together.
//  2. For every pair of users, the number of patients both opened
//     (shared), and the Jaccard similarity shared / |A ∪ B| of their
//     patient sets.
//  3. Users are teammates when shared >= TeamMinShared and Jaccard >=
//     TeamMinJaccard. A user's team is their teammates (the neighbours in
//     this co-access graph), not the connected component, so that a
//     pharmacist or clerk who works with every ward does not fuse the
//     whole organisation into one team.
//
// An access is explained by the team when a teammate is a clinician named
// on the patient's episode. (A teammate merely working in the department
// of the patient's ward is not enough: a hub such as Outpatients would
// then explain every clinic patient to anyone who works with it; the
// departments that do serve every ward are mined as services instead.)

// teams is the mined co-access graph.
type teams struct {
	mates [][]uint32 // per user: teammates, sorted
	edges int
}

// mineTeams builds the co-access graph from the opened records in recs.
func (a *Auditor) mineTeams(recs []rec) teams {
	nUsers := len(a.staff)
	pairs := make([]uint64, 0, len(recs)/4)
	for i := range recs {
		if recs[i].kind == kindOpen {
			pairs = append(pairs, uint64(recs[i].pat)<<32|uint64(recs[i].user))
		}
	}
	slices.Sort(pairs)
	pairs = slices.Compact(pairs)
	perUser := make([]int32, nUsers)
	for _, k := range pairs {
		perUser[uint32(k)]++
	}
	shared := make(map[uint64]int32)
	for start := 0; start < len(pairs); {
		end := start
		for end < len(pairs) && pairs[end]>>32 == pairs[start]>>32 {
			end++
		}
		if end-start <= a.opts.TeamMaxUsers {
			for i := start; i < end; i++ {
				for j := i + 1; j < end; j++ {
					shared[pairKey(uint32(pairs[i]), uint32(pairs[j]))]++
				}
			}
		}
		start = end
	}
	t := teams{mates: make([][]uint32, nUsers)}
	for k, n := range shared {
		u, v := uint32(k>>32), uint32(k)
		union := perUser[u] + perUser[v] - n
		if int(n) < a.opts.TeamMinShared || float64(n) < a.opts.TeamMinJaccard*float64(union) {
			continue
		}
		t.mates[u] = append(t.mates[u], v)
		t.mates[v] = append(t.mates[v], u)
		t.edges++
	}
	for u := range t.mates {
		slices.Sort(t.mates[u])
	}
	return t
}
