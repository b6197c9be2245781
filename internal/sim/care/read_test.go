package care

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	audit "github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// The test reads generated files back only through Vigil's own parsers,
// as the guardian will, into this model.

type staffRow struct {
	id, given, family, role, dept, address, postcode, nhs string
}

type person struct {
	nhs, family, given, street, postcode string
	kin                                  []hl7.Contact
	died                                 time.Time
}

type visitFacts struct {
	nhs, service string
	wards        map[string]bool
	people       map[string]bool // attending, referring, consulting, admitting, operators
	start, end   time.Time       // end zero while open
	cancelled    bool
}

type trustFiles struct {
	truth    Truth
	staff    map[string]staffRow
	patients map[string]*person
	visits   map[string]*visitFacts
	byNHS    map[string][]*visitFacts
	merged   map[string]string // duplicate NHS number -> survivor
	vips     map[string]bool
	reviews  map[string][]string // start event id -> row
	events   []*fhir.Access
	messages map[string]int // ADT trigger -> count; "S12" for bookings
}

// generate writes a small trust to a temporary folder.
func generate(t *testing.T, cfg Config) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := Generate(cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func testConfig(seed uint64) Config {
	return Config{Seed: seed, Size: "test", Staff: 100, Patients: 2000, Days: 6, Start: DefaultStart}
}

// trusts caches the trusts read back, by seed: generating one takes
// seconds, and several tests read the same one.
var trusts = struct {
	sync.Mutex
	by map[uint64]*trustFiles
}{by: map[uint64]*trustFiles{}}

// trustFor generates the test trust of a seed once and reads it back.
func trustFor(t *testing.T, seed uint64) *trustFiles {
	t.Helper()
	trusts.Lock()
	defer trusts.Unlock()
	if f := trusts.by[seed]; f != nil {
		return f
	}
	f := readTrust(t, generate(t, testConfig(seed)))
	trusts.by[seed] = f
	return f
}

func readTrust(t *testing.T, dir string) *trustFiles {
	t.Helper()
	f := &trustFiles{staff: map[string]staffRow{}, patients: map[string]*person{}, visits: map[string]*visitFacts{},
		byNHS: map[string][]*visitFacts{}, merged: map[string]string{}, vips: map[string]bool{},
		reviews: map[string][]string{}, messages: map[string]int{}}
	data, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f.truth); err != nil {
		t.Fatalf("truth.json: %v", err)
	}
	f.readStaff(t, filepath.Join(dir, "staff.csv"))
	f.readVIPs(t, filepath.Join(dir, "vip.txt"))
	f.readReviews(t, filepath.Join(dir, "breakglass_reviews.csv"))
	f.readHL7(t, filepath.Join(dir, "adt"))
	f.readHL7(t, filepath.Join(dir, "appointments"))
	f.readAccess(t, filepath.Join(dir, "access.ndjson"))
	return f
}

func readCSV(t *testing.T, path string, header string) [][]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != header {
		t.Fatalf("%s: header %q, want %q", path, rows[0], header)
	}
	return rows[1:]
}

func (f *trustFiles) readStaff(t *testing.T, path string) {
	for _, r := range readCSV(t, path, "user_id,given_name,family_name,job_role,department,address,postcode,start_date,end_date,date_of_birth,nhs_number") {
		f.staff[r[0]] = staffRow{id: r[0], given: r[1], family: r[2], role: r[3], dept: r[4], address: r[5], postcode: r[6], nhs: r[10]}
		for _, d := range []string{r[7], r[8], r[9]} {
			if _, err := time.Parse("2006-01-02", d); d != "" && err != nil {
				t.Errorf("staff %s: date %q: %v", r[0], d, err)
			}
		}
	}
}

func (f *trustFiles) readVIPs(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			f.vips[line] = true
		}
	}
}

func (f *trustFiles) readReviews(t *testing.T, path string) {
	for _, r := range readCSV(t, path, "event_id,user_id,patient_id,justified,reason") {
		f.reviews[r[0]] = r
	}
}

func (f *trustFiles) readHL7(t *testing.T, dir string) {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.hl7"))
	sort.Strings(paths)
	if len(paths) == 0 {
		t.Fatalf("no HL7 files in %s", dir)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, raw := range hl7.Split(data) {
			m, err := hl7.Parse(raw)
			if err != nil {
				t.Fatalf("%s message %d: %v", path, i+1, err)
			}
			f.message(t, path, m)
		}
	}
}

func (f *trustFiles) message(t *testing.T, path string, m *hl7.Message) {
	code, trigger, _ := m.Type()
	if v := m.Version(); v != "2.4" {
		t.Errorf("%s %s: version %q", path, m.ControlID(), v)
	}
	f.messages[trigger]++
	if code == "SIU" {
		f.booking(t, m)
		return
	}
	a, err := hl7.ParseADT(m)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(a.Problems) > 0 {
		t.Errorf("%s %s: problems %v", path, m.ControlID(), a.Problems)
	}
	nhs := a.Patient.NHSNumber
	if nhs == "" {
		t.Fatalf("%s %s: no valid NHS number (%q)", path, m.ControlID(), a.Patient.InvalidNHSNumber)
	}
	p := f.patients[nhs]
	if p == nil {
		p = &person{nhs: nhs}
		f.patients[nhs] = p
	}
	p.family, p.given, p.street, p.postcode = a.Patient.Name.Family, a.Patient.Name.Given, a.Patient.Address.Street, a.Patient.Address.Postcode
	p.kin = a.NextOfKin
	if !a.Patient.DeathTime.IsZero() {
		p.died = a.Patient.DeathTime
	}
	for _, mg := range a.Merges {
		for _, id := range mg.Prior {
			f.merged[id.ID] = nhs
		}
	}
	if a.Visit != nil && a.Visit.Number != "" {
		f.visit(a, nhs)
	}
}

func (f *trustFiles) visit(a *hl7.ADT, nhs string) {
	v := f.visits[a.Visit.Number]
	if v == nil {
		v = &visitFacts{nhs: nhs, wards: map[string]bool{}, people: map[string]bool{}, start: a.Visit.AdmitTime}
		f.visits[a.Visit.Number] = v
		f.byNHS[nhs] = append(f.byNHS[nhs], v)
	}
	v.service = a.Visit.Service
	v.wards[a.Visit.Ward] = true
	for _, list := range [][]hl7.Person{a.Visit.Attending, a.Visit.Referring, a.Visit.Consulting, a.Visit.Admitting, {a.Operator}} {
		for _, p := range list {
			v.people[p.ID] = true
		}
	}
	switch a.Event {
	case "A03", "A04":
		if a.Event == "A03" || a.Visit.Class == "O" {
			v.end = a.EventTime
		}
	case "A13":
		v.end = time.Time{}
	case "A11":
		v.cancelled = true
	}
}

func (f *trustFiles) booking(t *testing.T, m *hl7.Message) {
	number := m.Get("PV1-19")
	id := m.Get("AIP-3")
	if _, ok := f.staff[id]; !ok {
		t.Errorf("booking %s: AIP-3 %q is not on the roster", m.ControlID(), id)
	}
	start, err := hl7.ParseTime(m.Get("AIP-6"))
	if err != nil {
		t.Errorf("booking %s: AIP-6: %v", m.ControlID(), err)
	}
	nhs := m.Get("PID-3")
	v := f.visits[number]
	if v == nil {
		v = &visitFacts{nhs: nhs, wards: map[string]bool{}, people: map[string]bool{}, start: start, end: start.Add(time.Hour)}
		f.visits[number] = v
		f.byNHS[nhs] = append(f.byNHS[nhs], v)
	}
	v.people[id] = true
	v.people[m.Get("PV1-8")] = true
	v.service = m.Get("PV1-10")
	v.wards[m.Get("AIL-3")] = true
}

func (f *trustFiles) readAccess(t *testing.T, path string) {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rd := fhir.NewReader(bufio.NewReader(fh), path)
	for {
		a, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%v", err)
		}
		f.events = append(f.events, a)
	}
}

// isSearch, isBreakGlassStop tell event kinds apart as the guardian will.
func isSearch(a *fhir.Access) bool { return a.Action == "E" && a.Type.Code == "rest" }

func isOverride(a *fhir.Access) bool { return a.Type.Code == "110113" }

func hasSubtype(a *fhir.Access, code string) bool {
	for _, c := range a.Subtypes {
		if c.Code == code {
			return true
		}
	}
	return false
}

// validNHS is the ingest package's modulus 11 check.
func validNHS(s string) bool { return audit.ValidNHSNumber(s) }
