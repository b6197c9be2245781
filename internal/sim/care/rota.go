package care

import "time"

// shiftPlan is how a role works: round the clock in day and night shifts,
// weekdays in office hours, or a doctor's pattern of days and on-call
// nights.
type shiftPlan int

const (
	planShifts     shiftPlan = iota // 12-hour days and nights, any day of the week
	planSister                      // weekday days, the odd weekend
	planConsultant                  // weekday days, some weekend days on call
	planJunior                      // days, and nights on call for the specialty
	planOffice                      // weekdays 08:30 to 17:00
	planPharmacy                    // weekdays, and weekend mornings
	planNone                        // never opens a record
)

func planFor(kind DeptKind, role Role) shiftPlan {
	switch {
	case kind == SupportDept:
		return planNone
	case kind == EmergencyDept:
		return planShifts // ED doctors and reception work shifts too
	case role == StaffNurse || role == Midwife || role == HealthcareAssistant || role == Radiographer:
		if kind == OutpatientsDept {
			return planOffice
		}
		return planShifts
	case role == WardSister:
		return planSister
	case role == Consultant:
		return planConsultant
	case role == Registrar || role == FoundationDoctor:
		return planJunior
	case role == Pharmacist || role == Physiotherapist:
		return planPharmacy
	}
	return planOffice
}

// Slots of a day's rota.
const (
	slotDay   = 0 // the day shift or office hours
	slotNight = 1 // the night shift that starts this evening
	offShift  = -1
)

// rota is who works which slot on one day, by department.
type rota struct {
	day int
	on  [2][][]int32 // [slot][dept] -> staff
	of  []int8       // slot of each staff member, or offShift
}

// hash01 maps (seed, a, b) to [0, 1) with SplitMix64: the rota of any day
// is then a pure function of the seed, without stored state.
func hash01(seed uint64, a, b int) float64 {
	z := seed + uint64(a)*0x9e3779b97f4a7c15 + uint64(b)*0xbf58476d1ce4e5b9
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// slotFor decides whether staff member i works on log day d, and which slot.
func (w *World) slotFor(i int32, d int) int8 {
	s := &w.Staff[i]
	if !s.employed(w.day(d)) {
		return offShift
	}
	u := hash01(w.cfg.Seed, int(i), d)
	wd := w.day(d).Weekday()
	weekend := wd == time.Saturday || wd == time.Sunday
	on := func(p float64) int8 {
		if u < p {
			return slotDay
		}
		return offShift
	}
	switch s.shift {
	case planShifts:
		if u < 0.16 {
			return slotNight
		}
		return on(0.54)
	case planSister:
		return on(pickWeekend(weekend, 0.85, 0.1))
	case planConsultant:
		return on(pickWeekend(weekend, 0.88, 0.2))
	case planJunior:
		if u < pickWeekend(weekend, 0.1, 0.12) {
			return slotNight
		}
		return on(pickWeekend(weekend, 0.75, 0.32))
	case planOffice:
		return on(pickWeekend(weekend, 0.9, 0))
	case planPharmacy:
		return on(pickWeekend(weekend, 0.9, 0.25))
	}
	return offShift
}

func pickWeekend(weekend bool, weekday, weekendValue float64) float64 {
	if weekend {
		return weekendValue
	}
	return weekday
}

// rotaFor builds the rota of log day d (d may be -1: the night before the
// log began), then makes sure every ward and the ED have a nurse on each
// slot and every specialty a junior doctor: a hospital is never left
// without them.
func (w *World) rotaFor(d int) *rota {
	ro := &rota{day: d, of: make([]int8, len(w.Staff))}
	for s := range ro.on {
		ro.on[s] = make([][]int32, len(w.Depts))
	}
	for i := range w.Staff {
		sl := w.slotFor(int32(i), d)
		ro.of[i] = sl
		if sl != offShift {
			ro.on[sl][w.Staff[i].Dept] = append(ro.on[sl][w.Staff[i].Dept], int32(i))
		}
	}
	for di, dept := range w.Depts {
		switch dept.Kind {
		case WardDept, EmergencyDept:
			w.cover(ro, di, slotDay, isNurse)
			w.cover(ro, di, slotNight, isNurse)
			if dept.Kind == EmergencyDept {
				w.cover(ro, di, slotDay, Role.doctor)
				w.cover(ro, di, slotNight, Role.doctor)
				w.cover(ro, di, slotDay, isReception)
				w.cover(ro, di, slotNight, isReception)
			}
		case SpecialtyDept:
			w.cover(ro, di, slotDay, isJunior)
			w.cover(ro, di, slotNight, isJunior)
			w.cover(ro, di, slotDay, isConsultant)
		}
	}
	return ro
}

func isNurse(r Role) bool      { return r == StaffNurse || r == Midwife || r == WardSister }
func isJunior(r Role) bool     { return r == Registrar || r == FoundationDoctor }
func isConsultant(r Role) bool { return r == Consultant }
func isReception(r Role) bool  { return r == Receptionist }

// cover puts one off-duty, employed member of dept with a matching role on
// slot sl when nobody with that role is on it.
func (w *World) cover(ro *rota, dept int, sl int8, match func(Role) bool) {
	for _, i := range ro.on[sl][dept] {
		if match(w.Staff[i].Role) {
			return
		}
	}
	members := w.staffByDept[dept]
	for k := range members {
		i := members[((k+ro.day*7+int(sl))%len(members)+len(members))%len(members)]
		if ro.of[i] == offShift && match(w.Staff[i].Role) && w.Staff[i].employed(w.day(ro.day)) {
			ro.of[i] = sl
			ro.on[sl][dept] = append(ro.on[sl][dept], i)
			return
		}
	}
}

// window is when a staff member on slot sl of day d is at work.
func (w *World) window(i int32, d int, sl int8) (time.Time, time.Time) {
	if sl == slotNight {
		return w.at(d, 20, 0), w.at(d+1, 8, 0)
	}
	s := &w.Staff[i]
	wd := w.day(d).Weekday()
	switch {
	case s.shift == planShifts || s.shift == planJunior:
		return w.at(d, 8, 0), w.at(d, 20, 0)
	case s.shift == planPharmacy && (wd == time.Saturday || wd == time.Sunday):
		return w.at(d, 9, 0), w.at(d, 13, 0)
	case s.shift == planConsultant:
		return w.at(d, 8, 0), w.at(d, 18, 0)
	}
	return w.at(d, 8, 30), w.at(d, 17, 0)
}

// atWork returns the members of dept with a matching role who are at work
// at t, using the rotas of t's day and the day before (for night shifts).
func (w *World) atWork(rotas *rotaCache, dept int16, t time.Time, match func(Role) bool, buf []int32) []int32 {
	buf = buf[:0]
	d := w.dayIndex(t)
	for _, dd := range [2]int{d - 1, d} {
		ro := rotas.get(dd)
		for sl := int8(0); sl < 2; sl++ {
			for _, i := range ro.on[sl][dept] {
				if !match(w.Staff[i].Role) {
					continue
				}
				from, to := w.window(i, dd, sl)
				if !t.Before(from) && t.Before(to) {
					buf = append(buf, i)
				}
			}
		}
	}
	return buf
}

// rotaCache keeps the few rotas a day's generation needs.
type rotaCache struct {
	w  *World
	by map[int]*rota
}

func newRotaCache(w *World) *rotaCache { return &rotaCache{w: w, by: map[int]*rota{}} }

func (c *rotaCache) get(d int) *rota {
	if ro, ok := c.by[d]; ok {
		return ro
	}
	ro := c.w.rotaFor(d)
	c.by[d] = ro
	return ro
}
