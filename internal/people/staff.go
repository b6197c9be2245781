package people

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
)

// Person is one member of staff as the directory knows them.
type Person struct {
	ID         string `json:"id"`    // staff or employee number
	Name       string `json:"name"`  // full name
	Email      string `json:"email"` // work address, where guidance goes
	Username   string `json:"username,omitempty"`
	Group      string `json:"staff_group"` // e.g. Nursing and Midwifery Registered
	Site       string `json:"site"`
	Department string `json:"department,omitempty"`
	Manager    string `json:"manager,omitempty"` // the manager's staff id or name
}

// Directory is the staff directory: every person once, found by staff
// id, email address or account name. It is read-only once built and safe
// for concurrent use.
type Directory struct {
	people  []Person
	byID    map[string]int
	byEmail map[string]int // lower-cased
	byUser  map[string]int // lower-cased account name
}

// staffColumns are the staff CSV's columns. The aliases are the headings
// HR exports (ESR and similar) use for the same thing.
var staffColumns = []column{
	{name: "staff_id", aliases: []string{"employee_number", "person_id", "staff_number", "employee_id", "id"}, required: true},
	{name: "name", aliases: []string{"full_name", "employee_name", "display_name"}, required: true},
	{name: "email", aliases: []string{"email_address", "work_email", "primary_email"}, required: true},
	{name: "username", aliases: []string{"user", "user_name", "account", "samaccountname", "login"}},
	{name: "staff_group", aliases: []string{"group"}, required: true},
	{name: "site", aliases: []string{"location", "base"}, required: true},
	{name: "department", aliases: []string{"dept"}},
	{name: "manager", aliases: []string{"line_manager", "manager_id", "supervisor"}},
}

// ReadStaffCSV reads a staff directory from CSV with a header row:
// staff_id, name, email, staff_group and site are required; username,
// department and manager are optional; other columns are ignored. file
// names the input in errors. The whole file is refused, with an
// *ImportError naming the line, when any row is malformed or a staff id,
// email or username appears twice.
func ReadStaffCSV(r io.Reader, file string) (*Directory, error) {
	t, err := openCSV(r, file, staffColumns)
	if err != nil {
		return nil, err
	}
	var people []Person
	var lines []int
	for {
		rw, err := t.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		p, err := staffRow(rw)
		if err != nil {
			return nil, err
		}
		people = append(people, p)
		lines = append(lines, rw.line)
	}
	d, err := NewDirectory(people)
	if err != nil {
		var de *duplicateError
		if errors.As(err, &de) {
			return nil, &ImportError{File: file, Line: lines[de.second], Field: de.field,
				Reason: fmt.Sprintf("%q already given on line %d", de.value, lines[de.first])}
		}
		return nil, &ImportError{File: file, Reason: err.Error()}
	}
	return d, nil
}

// staffRow reads one person from a row.
func staffRow(rw row) (Person, error) {
	var p Person
	var err error
	for _, f := range []struct {
		col string
		dst *string
	}{{"staff_id", &p.ID}, {"name", &p.Name}, {"email", &p.Email}, {"staff_group", &p.Group}, {"site", &p.Site}} {
		if *f.dst, err = rw.require(f.col); err != nil {
			return Person{}, err
		}
	}
	p.Username, p.Department, p.Manager = rw.get("username"), rw.get("department"), rw.get("manager")
	if err := checkEmail(p.Email); err != nil {
		return Person{}, rw.errorf("email", "%v", err)
	}
	return p, nil
}

// checkEmail accepts a bare address (no display name, no angle brackets).
func checkEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return fmt.Errorf("%q is not an email address", s)
	}
	return nil
}

// duplicateError says that two people share a key that must be unique.
type duplicateError struct {
	field         string
	value         string
	first, second int // indexes into the people given
}

func (e *duplicateError) Error() string {
	return fmt.Sprintf("%s %q given twice (people %d and %d)", e.field, e.value, e.first+1, e.second+1)
}

// NewDirectory builds a directory from people, refusing duplicate staff
// ids, emails or usernames (compared without case, but ids exactly) and
// people without an id.
func NewDirectory(people []Person) (*Directory, error) {
	d := &Directory{
		people:  slices.Clone(people),
		byID:    make(map[string]int, len(people)),
		byEmail: make(map[string]int, len(people)),
		byUser:  map[string]int{},
	}
	for i, p := range d.people {
		if p.ID == "" {
			return nil, fmt.Errorf("person %d (%s) has no staff id", i+1, p.Name)
		}
		if err := index(d.byID, "staff_id", p.ID, i); err != nil {
			return nil, err
		}
		if err := indexIfSet(d.byEmail, "email", strings.ToLower(p.Email), i); err != nil {
			return nil, err
		}
		if err := indexIfSet(d.byUser, "username", strings.ToLower(p.Username), i); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// indexIfSet indexes a key that may be absent ("").
func indexIfSet(m map[string]int, field, key string, i int) error {
	if key == "" {
		return nil
	}
	return index(m, field, key, i)
}

// index adds key -> i to m, or says who already has key.
func index(m map[string]int, field, key string, i int) error {
	if j, dup := m[key]; dup {
		return &duplicateError{field: field, value: key, first: j, second: i}
	}
	m[key] = i
	return nil
}

// Len returns the number of people.
func (d *Directory) Len() int { return len(d.people) }

// People returns a copy of everyone, in the order given.
func (d *Directory) People() []Person { return slices.Clone(d.people) }

// ByID returns the person with a staff id.
func (d *Directory) ByID(id string) (Person, bool) {
	i, ok := d.byID[id]
	if !ok {
		return Person{}, false
	}
	return d.people[i], true
}

// Lookup finds the person a log's user field names, in the forms logs
// write it: an email or UPN ("jsmith@trust.nhs.uk"), a down-level logon
// name ("TRUST\jsmith"), a bare account name or a staff id. A UPN whose
// address is not anyone's email is tried as an account name.
func (d *Directory) Lookup(user string) (Person, bool) {
	u := strings.ToLower(strings.TrimSpace(user))
	if u == "" {
		return Person{}, false
	}
	if i, ok := d.byEmail[u]; ok {
		return d.people[i], true
	}
	if _, after, ok := strings.Cut(u, `\`); ok {
		u = after
	}
	local, _, _ := strings.Cut(u, "@")
	if i, ok := d.byUser[local]; ok {
		return d.people[i], true
	}
	return d.ByID(strings.TrimSpace(user))
}

// Workforce returns the number of people in each staff group and at each
// site: the margins the pulse is weighted to.
func (d *Directory) Workforce() (groups, sites map[string]int) {
	groups, sites = map[string]int{}, map[string]int{}
	for _, p := range d.people {
		groups[p.Group]++
		sites[p.Site]++
	}
	return groups, sites
}
