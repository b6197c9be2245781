package privacy

import (
	"runtime"
	"slices"
	"sync"
)

// Service departments are mined from the access log, like care teams:
// pharmacy, imaging, therapies and clinical coding open the records of
// patients of every ward without being named on the visit, and the roster
// says nothing of whom they serve. A department D serves a home department
// H (a ward, or a specialty's doctors) when the records D's staff open
// that no recorded relationship explains (only a mined team, or nothing)
// cover at least ServiceMinShare of H's episodes, and at least
// ServiceMinEpisodes of them. An access by D's staff is then explained
// while the patient is in H's care (the episode's care window).
//
// Accesses a recorded relationship explains do not count, so that a
// department whose staff are explained by their own ward (the Emergency
// Department seeing patients just before they are admitted) does not come
// to serve every specialty; and the share is of H's episodes, so that one
// person's snooping (a handful of patients) never makes a department a
// service.

// services is the mined relation.
type services struct {
	serves map[uint64]int32 // pairKey(D, H) -> episodes of H that D's staff opened
	total  map[int32]int32  // H -> episodes with H among their homes
}

// homes returns the home departments of every episode: the departments of
// its wards and specialties and of its named clinicians.
func (a *Auditor) homes(ix *index) [][]int32 {
	out := make([][]int32, len(a.episodes))
	for i := range a.episodes {
		e := &a.episodes[i]
		h := slices.Clone(ix.epDepts[i])
		for _, st := range e.stays {
			for _, d := range st.depts {
				if !containsI32(h, d) {
					h = append(h, d)
				}
			}
		}
		out[i] = h
	}
	return out
}

// mineServices finds which departments serve which from the accesses
// that xs explains by no recorded relationship.
func (a *Auditor) mineServices(ix *index, recs []rec, xs []explanation) services {
	sv := services{serves: map[uint64]int32{}, total: map[int32]int32{}}
	for i := range a.episodes {
		if !a.episodes[i].cancelled {
			for _, h := range ix.homes[i] {
				sv.total[h]++
			}
		}
	}
	var keys []uint64 // department << 32 | episode, one per pair seen
	for i := range recs {
		r := &recs[i]
		d := a.staff[r.user].dept
		if r.kind != kindOpen || (xs[i].why != reasonNone && xs[i].why != reasonTeam) || d < 0 {
			continue
		}
		for _, ei := range ix.patEps[r.pat] {
			if from, to := a.careWindow(&a.episodes[ei]); r.t >= from && r.t <= to && !a.episodes[ei].cancelled {
				keys = append(keys, uint64(d)<<32|uint64(ei))
			}
		}
	}
	slices.Sort(keys)
	counts := map[uint64]int32{}
	for _, k := range slices.Compact(keys) {
		d := int32(k >> 32)
		for _, h := range ix.homes[uint32(k)] {
			if h != d {
				counts[pairKey(uint32(d), uint32(h))]++
			}
		}
	}
	for k, n := range counts {
		h := int32(uint32(k))
		if int(n) >= a.opts.ServiceMinEpisodes && float64(n) >= a.opts.ServiceMinShare*float64(sv.total[h]) {
			sv.serves[k] = n
		}
	}
	return sv
}

// explainByService explains user u opening patient p at t when u's
// department serves a home department of an episode of p in care at t.
func (a *Auditor) explainByService(ix *index, u, p uint32, t int64) explanation {
	d := a.staff[u].dept
	if d < 0 || len(ix.services.serves) == 0 {
		return explanation{ep: -1}
	}
	for _, ei := range ix.patEps[p] {
		e := &a.episodes[ei]
		if from, to := a.careWindow(e); t < from || t > to || e.cancelled {
			continue
		}
		for _, h := range ix.homes[ei] {
			if _, ok := ix.services.serves[pairKey(uint32(d), uint32(h))]; ok {
				return explanation{why: reasonService, ep: ei, home: h}
			}
		}
	}
	return explanation{ep: -1}
}

// explainAll explains every opened record in recs, on every CPU: the
// explanations only read the index, and each access is independent.
func (a *Auditor) explainAll(ix *index, recs []rec) []explanation {
	xs := make([]explanation, len(recs))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(recs)/20_000))
	chunk := (len(recs) + workers - 1) / max(workers, 1)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(recs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				if r := &recs[i]; r.kind == kindOpen {
					xs[i] = a.explain(ix, r.user, r.pat, r.t)
				} else {
					xs[i] = explanation{ep: -1}
				}
			}
		}()
	}
	wg.Wait()
	return xs
}
