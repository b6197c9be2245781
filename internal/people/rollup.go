package people

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Training holds training records matched to the staff directory, ready
// to be rolled up at any date. Build it with NewTraining; it is read-only
// afterwards and safe for concurrent use.
type Training struct {
	dir       *Directory
	courseIdx map[string]int32 // lower-cased course name -> index
	hist      [][]courseHistory
	unmatched []Record
}

// courseHistory is one person's completions of one course, oldest first.
type courseHistory struct {
	course int32
	spans  []span
}

// span is one completion: when, and until when it is valid (Unix
// seconds; 0 means never expires).
type span struct{ done, expires int64 }

// NewTraining matches records to people (by staff id, else email) and
// indexes them. Records naming nobody in the directory are kept aside:
// see Unmatched.
func NewTraining(dir *Directory, recs []Record) *Training {
	t := &Training{dir: dir, courseIdx: map[string]int32{}, hist: make([][]courseHistory, dir.Len())}
	for _, r := range recs {
		i, ok := t.personOf(r)
		if !ok {
			t.unmatched = append(t.unmatched, r)
			continue
		}
		t.add(i, t.course(r.Course), span{done: r.Completed.Unix(), expires: unixOrZero(r.Expires)})
	}
	for _, hs := range t.hist {
		slices.SortFunc(hs, func(a, b courseHistory) int { return cmp.Compare(a.course, b.course) })
		for _, h := range hs {
			slices.SortFunc(h.spans, func(a, b span) int { return cmp.Compare(a.done, b.done) })
		}
	}
	return t
}

// personOf returns the directory index of the person a record names.
func (t *Training) personOf(r Record) (int, bool) {
	if i, ok := t.dir.byID[r.StaffID]; ok && r.StaffID != "" {
		return i, true
	}
	if i, ok := t.dir.byEmail[strings.ToLower(r.Email)]; ok && r.Email != "" {
		return i, true
	}
	return 0, false
}

// course returns a course's index, adding it when new.
func (t *Training) course(name string) int32 {
	key := strings.ToLower(strings.TrimSpace(name))
	if c, ok := t.courseIdx[key]; ok {
		return c
	}
	c := int32(len(t.courseIdx))
	t.courseIdx[key] = c
	return c
}

// add appends a completion to a person's history of a course.
func (t *Training) add(person int, course int32, s span) {
	hs := t.hist[person]
	for k := range hs {
		if hs[k].course == course {
			hs[k].spans = append(hs[k].spans, s)
			return
		}
	}
	t.hist[person] = append(hs, courseHistory{course: course, spans: []span{s}})
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Unmatched returns the records that named no one in the directory
// (leavers, or people the directory export missed).
func (t *Training) Unmatched() []Record { return slices.Clone(t.unmatched) }

// status returns where a person stands on a course at a moment (Unix
// seconds): the best of the completions made by then.
func (t *Training) status(person int, course int32, at int64) (Status, time.Time) {
	hs := t.hist[person]
	k, found := slices.BinarySearchFunc(hs, course, func(h courseHistory, c int32) int { return cmp.Compare(h.course, c) })
	if course < 0 || !found {
		return Missing, time.Time{}
	}
	best, seen := int64(-1), false
	for _, s := range hs[k].spans {
		if s.done > at {
			break
		}
		seen = true
		if s.expires == 0 {
			return Current, time.Time{}
		}
		best = max(best, s.expires)
	}
	switch {
	case !seen:
		return Missing, time.Time{}
	case best <= at:
		return Expired, time.Unix(best, 0).UTC()
	case best-at <= int64(ExpiringWithin/time.Second):
		return Expiring, time.Unix(best, 0).UTC()
	}
	return Current, time.Unix(best, 0).UTC()
}

// courseIndex returns a required course's index, or -1 when no record
// has it (so everyone is Missing).
func (t *Training) courseIndex(name string) int32 {
	if c, ok := t.courseIdx[strings.ToLower(strings.TrimSpace(name))]; ok {
		return c
	}
	return -1
}

// required returns, per staff group, the course indexes and names its
// people must hold, computed once per roll-up rather than per person.
func (t *Training) required(reqs []Requirement) map[string][]requiredCourse {
	byGroup := map[string][]requiredCourse{}
	for _, p := range t.dir.people {
		if _, done := byGroup[p.Group]; done {
			continue
		}
		list := []requiredCourse{}
		for _, r := range reqs {
			if r.appliesTo(p.Group) {
				list = append(list, requiredCourse{idx: t.courseIndex(r.Course), name: r.Course})
			}
		}
		byGroup[p.Group] = list
	}
	return byGroup
}

// requiredCourse is a course a group must hold.
type requiredCourse struct {
	idx  int32
	name string
}
