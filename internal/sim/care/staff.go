package care

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Role is a job role, named as NHS job titles are.
type Role int

// Job roles.
const (
	Consultant Role = iota
	Registrar
	FoundationDoctor
	StaffNurse
	Midwife
	WardSister
	HealthcareAssistant
	WardClerk
	Receptionist
	Pharmacist
	Radiographer
	Physiotherapist
	ClinicalCoder
	MedicalSecretary
	Porter
	ITAnalyst
)

var roleTitles = [...]string{
	Consultant: "Consultant", Registrar: "Registrar", FoundationDoctor: "Foundation Doctor",
	StaffNurse: "Staff Nurse", Midwife: "Midwife", WardSister: "Ward Sister",
	HealthcareAssistant: "Healthcare Assistant", WardClerk: "Ward Clerk", Receptionist: "Receptionist",
	Pharmacist: "Pharmacist", Radiographer: "Radiographer", Physiotherapist: "Physiotherapist",
	ClinicalCoder: "Clinical Coder", MedicalSecretary: "Medical Secretary", Porter: "Porter",
	ITAnalyst: "IT Analyst",
}

// String is the job title as the roster writes it.
func (r Role) String() string { return roleTitles[r] }

func (r Role) doctor() bool { return r <= FoundationDoctor }

// DeptKind says what a department does, which decides whose records its
// staff open.
type DeptKind int

// Department kinds.
const (
	WardDept        DeptKind = iota // an inpatient ward
	EmergencyDept                   // the Emergency Department
	OutpatientsDept                 // outpatient clinics
	SpecialtyDept                   // a medical specialty: its doctors and secretaries
	ServiceDept                     // pharmacy, radiology, physiotherapy: serve every ward
	RecordsDept                     // medical records: clinical coding after discharge
	SupportDept                     // IT, estates: no clinical access
)

// Dept is a department or ward. Code is the short code of its workstations'
// host names; Net the second and third octets of their addresses.
type Dept struct {
	Name      string
	Kind      DeptKind
	Specialty string
	Code      string
	Net       [2]int
}

// Staff is one member of staff on the roster.
type Staff struct {
	ID            string // NHS smartcard user id (12 digits)
	Given, Family string
	Role          Role
	Dept          int16
	Patient       int32 // their own patient record, or -1
	Address       int32
	Born          time.Time
	Start, End    time.Time // employment; End zero while employed
	shift         shiftPlan
}

// specialties in the order wards are given them.
var specialties = []struct{ name, code string }{
	{"General Medicine", "GM"}, {"Elderly Care", "EC"}, {"Cardiology", "CAR"}, {"General Surgery", "GS"},
	{"Trauma and Orthopaedics", "TO"}, {"Respiratory Medicine", "RES"}, {"Gastroenterology", "GAS"},
	{"Oncology", "ONC"}, {"Obstetrics", "OBS"}, {"Paediatrics", "PAE"},
}

// Names of the departments that are not wards or specialties.
const (
	deptED       = "Emergency Department"
	deptOP       = "Outpatients"
	deptPharmacy = "Pharmacy"
	deptRadiol   = "Radiology"
	deptPhysio   = "Physiotherapy"
	deptRecords  = "Medical Records"
	deptIT       = "IT Services"
	deptEstates  = "Estates and Facilities"
)

func (w *World) buildDepts() {
	wards := min(max(3, w.cfg.Staff/25), 90)
	nspec := min(wards, len(specialties))
	add := func(d Dept) {
		n := len(w.Depts)
		d.Net = [2]int{16 + n/200, n % 200}
		w.Depts = append(w.Depts, d)
	}
	for i := 0; i < wards; i++ {
		s := specialties[i%nspec]
		add(Dept{Name: fmt.Sprintf("Ward %d (%s)", i+1, s.name), Kind: WardDept, Specialty: s.name, Code: fmt.Sprintf("W%02d", i+1)})
	}
	for _, s := range specialties[:nspec] {
		add(Dept{Name: s.name, Kind: SpecialtyDept, Specialty: s.name, Code: s.code})
	}
	add(Dept{Name: deptED, Kind: EmergencyDept, Specialty: "Emergency Medicine", Code: "ED"})
	add(Dept{Name: deptOP, Kind: OutpatientsDept, Code: "OPD"})
	add(Dept{Name: deptPharmacy, Kind: ServiceDept, Code: "PHA"})
	add(Dept{Name: deptRadiol, Kind: ServiceDept, Code: "RAD"})
	add(Dept{Name: deptPhysio, Kind: ServiceDept, Code: "PHY"})
	add(Dept{Name: deptRecords, Kind: RecordsDept, Code: "MR"})
	add(Dept{Name: deptIT, Kind: SupportDept, Code: "IT"})
	add(Dept{Name: deptEstates, Kind: SupportDept, Code: "EST"})
}

// deptIndex returns the index of the department named name, or -1.
func (w *World) deptIndex(name string) int16 {
	for i := range w.Depts {
		if w.Depts[i].Name == name {
			return int16(i)
		}
	}
	return -1
}

// post is one job: a role in a department.
type post struct {
	role Role
	dept int16
}

// posts lays out the establishment: fixed posts per ward, then shares of
// the staff count for each group, the rest to ward nursing.
func (w *World) posts() []post {
	n := w.cfg.Staff
	var out []post
	share := func(frac float64, least int) int { return max(least, int(frac*float64(n)+0.5)) }
	// spread fills count posts in dept: the first roles once each, then
	// the cycle over and over.
	spread := func(dept int16, count int, first, cycle []Role) {
		for i := 0; i < count; i++ {
			role := cycle[i%len(cycle)]
			if i < len(first) {
				role = first[i]
			}
			out = append(out, post{role, dept})
		}
	}
	ed := w.deptIndex(deptED)
	spread(ed, share(0.12, 8), []Role{Consultant, Registrar, StaffNurse, StaffNurse, HealthcareAssistant, Receptionist, Receptionist, Registrar},
		[]Role{StaffNurse, Registrar, StaffNurse, HealthcareAssistant, StaffNurse, Receptionist, StaffNurse, Consultant, StaffNurse, Registrar, HealthcareAssistant, Receptionist})
	spread(w.deptIndex(deptOP), share(0.05, 3), []Role{Receptionist, StaffNurse, HealthcareAssistant}, []Role{Receptionist, StaffNurse, Receptionist, HealthcareAssistant, StaffNurse})
	var specs, wards []int16
	for i, d := range w.Depts {
		switch d.Kind {
		case SpecialtyDept:
			specs = append(specs, int16(i))
		case WardDept:
			wards = append(wards, int16(i))
		}
	}
	doctors, secs := share(0.17, 3*len(specs)), share(0.03, len(specs))
	for i := 0; i < doctors; i++ {
		out = append(out, post{[]Role{Consultant, Registrar, FoundationDoctor}[i/len(specs)%3], specs[i%len(specs)]})
	}
	for i := 0; i < secs; i++ {
		out = append(out, post{MedicalSecretary, specs[i%len(specs)]})
	}
	for _, g := range []struct {
		dept  string
		role  Role
		frac  float64
		least int
	}{
		{deptPharmacy, Pharmacist, 0.03, 2}, {deptRadiol, Radiographer, 0.04, 2}, {deptPhysio, Physiotherapist, 0.025, 1},
		{deptRecords, ClinicalCoder, 0.02, 1}, {deptIT, ITAnalyst, 0.01, 1}, {deptEstates, Porter, 0.025, 1},
	} {
		for i := share(g.frac, g.least); i > 0; i-- {
			out = append(out, post{g.role, w.deptIndex(g.dept)})
		}
	}
	for _, wd := range wards {
		out = append(out, post{WardSister, wd}, post{WardClerk, wd})
	}
	for i := 0; len(out) < n; i++ {
		wd := wards[i%len(wards)]
		role := StaffNurse
		switch {
		case i/len(wards)%3 == 2:
			role = HealthcareAssistant
		case w.Depts[wd].Specialty == "Obstetrics":
			role = Midwife
		}
		out = append(out, post{role, wd})
	}
	return out[:n]
}

// Share of staff who live in the catchment and have a record at the trust
// themselves, and of the others who are next of kin of an elderly patient.
const (
	staffPatientShare = 0.45
	staffKinShare     = 0.08
)

func (w *World) buildStaff() {
	r := newRand(w.cfg.Seed, streamStaff)
	names := newNamer(r)
	ids := map[string]bool{}
	var adults []int32
	for i := range w.Patients {
		if a := age(w.Patients[i].Born, w.first); a >= 20 && a < 64 && w.Patients[i].VIP == "" {
			adults = append(adults, int32(i))
		}
	}
	r.Shuffle(len(adults), func(i, j int) { adults[i], adults[j] = adults[j], adults[i] })
	posts := w.posts()
	w.staffByDept = make([][]int32, len(w.Depts))
	for i, ps := range posts {
		s := Staff{ID: staffID(r, ids), Role: ps.role, Dept: ps.dept, Patient: -1}
		if chance(r, staffPatientShare) && len(adults) > 0 {
			p := adults[len(adults)-1]
			adults = adults[:len(adults)-1]
			pt := &w.Patients[p]
			pt.Staff = int32(i)
			s.Patient, s.Given, s.Family, s.Born, s.Address = p, pt.Given, pt.Family, pt.Born, pt.Address
		} else {
			sex := pick(r, []byte("FM"))
			s.Given, s.Family = names.given(sex), names.surname()
			b := w.first.AddDate(-21-r.IntN(43), 0, -r.IntN(365))
			s.Born = time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
			s.Address = w.housesUsed.take()
		}
		w.employ(r, &s)
		s.shift = planFor(w.Depts[s.Dept].Kind, s.Role)
		w.Staff = append(w.Staff, s)
		w.staffByDept[s.Dept] = append(w.staffByDept[s.Dept], int32(i))
	}
	w.makeStaffKin(r)
}

// employ sets employment dates: most staff started years ago; a few start
// during the log and a few leave during it.
func (w *World) employ(r *rand.Rand, s *Staff) {
	s.Start = w.first.AddDate(0, -1-r.IntN(180), -r.IntN(28))
	switch x := r.Float64(); {
	case x < 0.03 && w.cfg.Days > 6:
		s.Start = w.day(1 + r.IntN(w.cfg.Days/2))
	case x < 0.06 && w.cfg.Days > 6:
		s.End = w.day(w.cfg.Days/3 + r.IntN(w.cfg.Days-w.cfg.Days/3))
	}
}

// employed reports whether s works at the trust on day t.
func (s *Staff) employed(t time.Time) bool {
	return !t.Before(s.Start) && (s.End.IsZero() || t.Before(s.End))
}

// makeStaffKin makes some staff who are not patients the next of kin of an
// elderly patient: their parent. A son shares the parent's surname.
func (w *World) makeStaffKin(r *rand.Rand) {
	var elderly []int32
	for i := range w.Patients {
		p := &w.Patients[i]
		if p.Kin.Rel == "CHD" && p.Staff < 0 && p.VIP == "" {
			elderly = append(elderly, int32(i))
		}
	}
	r.Shuffle(len(elderly), func(i, j int) { elderly[i], elderly[j] = elderly[j], elderly[i] })
	for i := range w.Staff {
		s := &w.Staff[i]
		if s.Patient >= 0 || len(elderly) == 0 || !chance(r, staffKinShare) {
			continue
		}
		p := &w.Patients[elderly[len(elderly)-1]]
		elderly = elderly[:len(elderly)-1]
		if chance(r, 0.6) {
			s.Family = p.Family
		}
		p.Kin = Kin{Family: s.Family, Given: s.Given, Rel: "CHD", RelText: "Child", Address: s.Address, Patient: -1, Staff: int32(i)}
	}
}

// staffID returns a new 12-digit smartcard user id.
func staffID(r *rand.Rand, used map[string]bool) string {
	for {
		id := fmt.Sprintf("5%011d", r.Int64N(1e11))
		if !used[id] {
			used[id] = true
			return id
		}
	}
}
