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
// cover at least ServiceMinShare of H's episodes opened in the log, and at least
// ServiceMinEpisodes of them, opened by more than one member of D. An access by D's staff is then explained
// while the patient is in H's care (the episode's care window).
//
// Accesses a recorded relationship explains do not count, so that a
// department whose staff are explained by their own ward (the Emergency
// Department seeing patients just before they are admitted) does not come
// to serve every specialty; and the share is of H's episodes, so that one
// person's snooping (a handful of patients) never makes a department a
// service, and that it takes two people to make a department a service.

// services is the mined relation. H is counted per setting (inpatient,
// emergency, outpatient visit, appointment), since a service such as
// clinical coding serves a ward's inpatients but not the clinics of the
// same specialty: serviceKey packs a home department with its setting.
type services struct {
	serves map[uint64]int32 // pairKey(D, serviceKey) -> episodes of H that D's staff opened
	total  map[int32]int32  // serviceKey -> episodes of H opened by anyone
}

// serviceKey packs home department h with the setting of episode e.
func serviceKey(h int32, e *episode) int32 {
	s := int32(4)
	switch {
	case e.appt:
		s = 0
	case e.class == "I":
		s = 1
	case e.class == "E":
		s = 2
	case e.class == "O":
		s = 3
	}
	return h<<3 | s
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
	opened := make([]bool, len(a.episodes))
	var keys []uint64 // episode << 32 | user, one per pair seen
	for i := range recs {
		r := &recs[i]
		if r.kind != kindOpen {
			continue
		}
		mined := (xs[i].why == reasonNone || xs[i].why == reasonTeam) && a.staff[r.user].dept >= 0
		for _, ei := range ix.patEps[r.pat] {
			if from, to := a.careWindow(&a.episodes[ei]); r.t >= from && r.t <= to && !a.episodes[ei].cancelled {
				opened[ei] = true
				if mined {
					keys = append(keys, uint64(ei)<<32|uint64(r.user))
				}
			}
		}
	}
	for i, ok := range opened {
		for _, h := range ix.homes[i] {
			if ok {
				sv.total[serviceKey(h, &a.episodes[i])]++
			}
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	counts := map[uint64]int32{}     // (D, H) -> episodes
	firstUser := map[uint64]uint32{} // (D, H) -> a user of D who opened one
	several := map[uint64]bool{}     // (D, H) -> more than one user did
	var seen []int32
	for i := 0; i < len(keys); {
		ei := uint32(keys[i] >> 32)
		e := &a.episodes[ei]
		seen = seen[:0]
		for ; i < len(keys) && uint32(keys[i]>>32) == ei; i++ {
			u := uint32(keys[i])
			d := a.staff[u].dept
			for _, h := range ix.homes[ei] {
				if h == d {
					continue
				}
				k := pairKey(uint32(d), uint32(serviceKey(h, e)))
				if f, ok := firstUser[k]; !ok {
					firstUser[k] = u
				} else if f != u {
					several[k] = true
				}
			}
			if !containsI32(seen, d) {
				seen = append(seen, d)
				for _, h := range ix.homes[ei] {
					if h != d {
						counts[pairKey(uint32(d), uint32(serviceKey(h, e)))]++
					}
				}
			}
		}
	}
	for k, n := range counts {
		h := int32(uint32(k))
		if several[k] && int(n) >= a.opts.ServiceMinEpisodes && float64(n) >= a.opts.ServiceMinShare*float64(sv.total[h]) {
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
			if _, ok := ix.services.serves[pairKey(uint32(d), uint32(serviceKey(h, e)))]; ok {
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
