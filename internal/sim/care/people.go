package care

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Street is one street of a town; its houses are split into postcode units
// of a dozen or so, as the Royal Mail splits real streets.
type Street struct {
	Name, Town, District string
}

// Address is one house.
type Address struct {
	Number   int32
	Street   int32
	Postcode string
}

// Patient is a person with a record at the trust. Staff who are patients
// share the record's name, birth date and address.
type Patient struct {
	NHS, MRN      string
	Family, Given string
	Title         string
	Sex           byte // 'F' or 'M'
	Born          time.Time
	Address       int32
	Household     int32
	Kin           Kin
	Died          time.Time // zero while alive
	deathKnown    time.Time // when the trust recorded the death (A08 or A03)
	Staff         int32     // index of the staff member this patient is, or -1
	VIP           string    // why the patient is on the watch list, or ""
	Visits        []int32
}

// Kin is a patient's next of kin (NK1). Patient or Staff link it to the
// generated person it is, when it is one (-1 otherwise).
type Kin struct {
	Family, Given string
	Rel, RelText  string // HL7 table 0063 code and text: SPO Spouse, MTH Mother...
	Address       int32
	Patient       int32
	Staff         int32
}

// household is the plan of one household: its adults' and children's ages.
type household struct {
	adults, children int
	elderly          bool
}

var householdKinds = []struct {
	weight float64
	h      household
}{
	{0.22, household{adults: 1}},
	{0.22, household{adults: 2}},
	{0.26, household{adults: 2, children: -1}}, // -1: one to three children
	{0.08, household{adults: 1, children: -2}}, // -2: one or two children
	{0.12, household{adults: 2, elderly: true}},
	{0.10, household{adults: 1, elderly: true}},
}

func (w *World) buildPlaces() {
	r := newRand(w.cfg.Seed, streamPlaces)
	// Houses: enough for every household of patients and of staff who are
	// not patients, at about 80% occupancy, plus next of kin who live
	// outside the patient base.
	need := w.cfg.Patients/2 + w.cfg.Staff + w.cfg.Patients/10
	houses := need * 5 / 4
	used := map[string]bool{}
	for n := 0; n < houses; {
		t := r.IntN(len(towns))
		st := Street{
			Name:     pick(r, streetNames) + " " + pick(r, streetKinds),
			Town:     towns[t],
			District: postcodeArea + strconv.Itoa(t+1),
		}
		if used[st.Town+st.Name] {
			continue
		}
		used[st.Town+st.Name] = true
		si := int32(len(w.Streets))
		w.Streets = append(w.Streets, st)
		count := 20 + r.IntN(80)
		var pc string
		for h := 1; h <= count; h++ {
			if (h-1)%14 == 0 {
				pc = w.newPostcode(r, st.District, used)
			}
			w.Addresses = append(w.Addresses, Address{Number: int32(h), Street: si, Postcode: pc})
		}
		n += count
	}
	r.Shuffle(len(w.Addresses), func(i, j int) { w.Addresses[i], w.Addresses[j] = w.Addresses[j], w.Addresses[i] })
}

// newPostcode returns an unused unit postcode in district: sector digit and
// two unit letters.
func (w *World) newPostcode(r *rand.Rand, district string, used map[string]bool) string {
	for {
		pc := fmt.Sprintf("%s %d%c%c", district, 1+r.IntN(9), unitLetters[r.IntN(len(unitLetters))], unitLetters[r.IntN(len(unitLetters))])
		if !used[pc] {
			used[pc] = true
			return pc
		}
	}
}

// houses hands out the shuffled addresses in turn.
type houses struct {
	w    *World
	next int32
}

func (h *houses) take() int32 {
	if int(h.next) >= len(h.w.Addresses) {
		panic("care: ran out of houses") // buildPlaces sizes the stock for every caller
	}
	h.next++
	return h.next - 1
}

func (w *World) buildPatients() {
	r := newRand(w.cfg.Seed, streamPeople)
	w.nhsPerm = newNHSAlloc(r)
	hs := &houses{w: w}
	names := newNamer(r)
	kinds := make([]float64, len(householdKinds))
	for i, k := range householdKinds {
		kinds[i] = k.weight
	}
	pickKind := newWeighted(kinds)
	w.bySurname = map[string][]int32{}
	for hh := int32(0); len(w.Patients) < w.cfg.Patients; hh++ {
		w.addHousehold(r, names, hs, householdKinds[pickKind.pick(r)].h, hh)
	}
	w.Patients = w.Patients[:w.cfg.Patients]
	w.linkElderlyKin(r)
	w.indexPatients()
	w.pickVIPs(r)
	w.housesUsed = hs
}

// addHousehold adds the members of one household at a new address.
func (w *World) addHousehold(r *rand.Rand, names *namer, hs *houses, h household, hh int32) {
	addr := hs.take()
	surname := names.surname()
	children := h.children
	switch children {
	case -1:
		children = 1 + r.IntN(3)
	case -2:
		children = 1 + r.IntN(2)
	}
	first := int32(len(w.Patients))
	for a := 0; a < h.adults; a++ {
		sex := byte('F')
		if (a == 0 && h.adults == 2) || (h.adults == 1 && chance(r, 0.45)) {
			sex = 'M'
		}
		family := surname
		if a == 1 && chance(r, 0.2) {
			family = names.surname() // couples who kept their own names
		}
		age := 20 + r.IntN(45)
		if h.elderly {
			age = 65 + r.IntN(31)
		}
		w.addPatient(r, names, family, sex, age, addr, hh)
	}
	for c := 0; c < children; c++ {
		sex := pick(r, []byte("FM"))
		w.addPatient(r, names, w.Patients[first].Family, sex, r.IntN(18), addr, hh)
	}
	w.setHouseholdKin(r, names, hs, first, h.adults)
}

func (w *World) addPatient(r *rand.Rand, names *namer, family string, sex byte, age int, addr, hh int32) {
	born := w.first.AddDate(-age-1, 0, 1+r.IntN(364))
	p := Patient{
		NHS:       w.nhsPerm.next(),
		MRN:       fmt.Sprintf("RV%07d", 1000000+len(w.Patients)*7+r.IntN(7)),
		Family:    family,
		Given:     names.given(sex),
		Sex:       sex,
		Born:      time.Date(born.Year(), born.Month(), born.Day(), 0, 0, 0, 0, time.UTC),
		Address:   addr,
		Household: hh,
		Staff:     -1,
		Kin:       Kin{Patient: -1, Staff: -1, Address: -1},
	}
	p.Title = title(p.Sex, age)
	w.Patients = append(w.Patients, p)
}

func title(sex byte, age int) string {
	switch {
	case age < 18:
		return ""
	case sex == 'M':
		return "Mr"
	case age > 60:
		return "Mrs"
	}
	return "Ms"
}

// setHouseholdKin records next of kin: a partner for each adult of a
// couple, a parent for each child, and a parent or sibling living elsewhere
// (not a patient) for an adult on their own.
func (w *World) setHouseholdKin(r *rand.Rand, names *namer, hs *houses, first int32, adults int) {
	last := int32(len(w.Patients))
	for i := first; i < last; i++ {
		p := &w.Patients[i]
		switch {
		case i-first < int32(adults) && adults == 2:
			other := first + 1 - (i - first)
			p.Kin = w.kinOf(other, "SPO", "Spouse")
		case i-first >= int32(adults):
			parent := first
			rel, text := "FTH", "Father"
			if w.Patients[parent].Sex == 'F' {
				rel, text = "MTH", "Mother"
			}
			p.Kin = w.kinOf(parent, rel, text)
		case age(p.Born, w.first) < 65:
			sex := pick(r, []byte("FM"))
			rel, text := "MTH", "Mother"
			if sex == 'M' {
				rel, text = "FTH", "Father"
			}
			p.Kin = Kin{Family: p.Family, Given: names.given(sex), Rel: rel, RelText: text, Address: hs.take(), Patient: -1, Staff: -1}
		}
	}
}

func (w *World) kinOf(i int32, rel, text string) Kin {
	q := &w.Patients[i]
	return Kin{Family: q.Family, Given: q.Given, Rel: rel, RelText: text, Address: q.Address, Patient: i, Staff: -1}
}

// linkElderlyKin gives each elderly person living alone an adult child
// elsewhere in the patient base as next of kin: a son shares the surname,
// a daughter often does not.
func (w *World) linkElderlyKin(r *rand.Rand) {
	var adults []int32
	for i := range w.Patients {
		if a := age(w.Patients[i].Born, w.first); a >= 25 && a < 60 {
			adults = append(adults, int32(i))
		}
	}
	for i := range w.Patients {
		p := &w.Patients[i]
		if p.Kin.Rel != "" || age(p.Born, w.first) < 65 || len(adults) == 0 {
			continue
		}
		c := pick(r, adults)
		p.Kin = w.kinOf(c, "CHD", "Child")
		if w.Patients[c].Sex == 'M' || chance(r, 0.4) {
			// the parent carries the child's surname; a married daughter's
			// differs, which only the NK1 link reveals
			p.Family = w.Patients[c].Family
		}
	}
}

func (w *World) indexPatients() {
	w.bySurname = map[string][]int32{}
	w.byStreet = map[int32][]int32{}
	w.byPostcode = map[string][]int32{}
	for i := range w.Patients {
		p := &w.Patients[i]
		a := w.Addresses[p.Address]
		w.bySurname[p.Family] = append(w.bySurname[p.Family], int32(i))
		w.byStreet[a.Street] = append(w.byStreet[a.Street], int32(i))
		w.byPostcode[a.Postcode] = append(w.byPostcode[a.Postcode], int32(i))
	}
}

var vipReasons = []string{
	"Member of Parliament for the constituency", "Premier League footballer", "television presenter",
	"chair of the trust board", "local council leader", "national newsreader", "Olympic medallist",
	"chief constable", "musician with a number one single", "patient in a case reported in the press",
}

// pickVIPs puts about one patient in 800 on the watch list.
func (w *World) pickVIPs(r *rand.Rand) {
	n := max(6, len(w.Patients)/800)
	for n > 0 {
		i := r.IntN(len(w.Patients))
		p := &w.Patients[i]
		if p.VIP != "" || age(p.Born, w.first) < 21 {
			continue
		}
		p.VIP = vipReasons[n%len(vipReasons)]
		n--
	}
}

// age is the age in whole years on day t.
func age(born, t time.Time) int {
	a := t.Year() - born.Year()
	if t.YearDay() < born.YearDay() {
		a--
	}
	return a
}

// namer draws surnames (common ones by frequency, the rest from a long
// tail) and given names.
type namer struct {
	r      *rand.Rand
	common weighted
}

func newNamer(r *rand.Rand) *namer {
	ws := make([]float64, len(commonSurnames))
	for i, s := range commonSurnames {
		ws[i] = s.weight
	}
	return &namer{r: r, common: newWeighted(ws)}
}

// commonShare is the share of people with one of the common surnames; in
// England the hundred commonest cover about a quarter of the population.
const commonShare = 0.3

func (n *namer) surname() string {
	if chance(n.r, commonShare) {
		return commonSurnames[n.common.pick(n.r)].name
	}
	return pick(n.r, tailPrefixes) + pick(n.r, tailSuffixes)
}

func (n *namer) given(sex byte) string {
	if sex == 'M' {
		return pick(n.r, givenMale)
	}
	return pick(n.r, givenFemale)
}

// nhsAlloc hands out distinct valid NHS numbers from the 999 range, which
// is reserved for testing and never issued to a person. Stems are visited
// in an affine permutation of 0..999999, so no set of used numbers is kept.
type nhsAlloc struct {
	a, b, i uint64
}

func newNHSAlloc(r *rand.Rand) nhsAlloc {
	a := uint64(1 + 2*r.IntN(500000))
	for a%5 == 0 {
		a += 2
	}
	return nhsAlloc{a: a, b: uint64(r.IntN(1_000_000))}
}

func (n *nhsAlloc) next() string {
	for {
		stem := (n.a*n.i + n.b) % 1_000_000
		n.i++
		if s, ok := nhsNumber(999_000_000 + stem); ok {
			return s
		}
	}
}

// nhsNumber appends the modulus 11 check digit to a nine-digit stem; false
// when the stem has none (a check value of 10).
func nhsNumber(stem uint64) (string, bool) {
	s := strconv.FormatUint(stem, 10)
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(s[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 {
		return "", false
	}
	return s + strconv.Itoa(check), true
}

// addressLine is the first line of an address: "12 Station Road".
func (w *World) addressLine(a int32) string {
	ad := w.Addresses[a]
	return strconv.Itoa(int(ad.Number)) + " " + w.Streets[ad.Street].Name
}
