package people

import (
	"strings"
	"testing"
)

func TestReadStaffCSV(t *testing.T) {
	d := testDirectory(t)
	if d.Len() != 5 {
		t.Fatalf("Len = %d, want 5", d.Len())
	}
	p, ok := d.ByID("1003")
	if !ok || p.Name != "Carys Evans" || p.Group != "Medical and Dental" || p.Site != "St Elsewhere" || p.Department != "Cardiology" {
		t.Fatalf("ByID(1003) = %+v, %v", p, ok)
	}
	groups, sites := d.Workforce()
	if groups["Nursing and Midwifery Registered"] != 2 || groups["Administrative and Clerical"] != 2 || sites["Riverside"] != 2 || sites["St Elsewhere"] != 3 {
		t.Fatalf("Workforce = %v, %v", groups, sites)
	}
}

func TestReadStaffCSVRefuses(t *testing.T) {
	const header = "staff_id,name,email,staff_group,site\n"
	cases := []struct {
		name, csv string
		line      int
		want      string
	}{
		{"empty file", "", 1, "no header row"},
		{"missing columns", "staff_id,name\n1,A\n", 1, "missing required column(s): email, staff_group, site"},
		{"duplicate column", "staff_id,employee_number,name,email,staff_group,site\n", 1, "appears twice"},
		{"empty name", header + "1,,a@x.nhs.uk,G,S\n", 2, "name: empty"},
		{"bad email", header + "1,A,not-an-address,G,S\n", 2, "email"},
		{"display-name email", header + "1,A,A <a@x.nhs.uk>,G,S\n", 2, "not an email address"},
		{"duplicate id", header + "1,A,a@x.nhs.uk,G,S\n1,B,b@x.nhs.uk,G,S\n", 3, "already given on line 2"},
		{"duplicate email", header + "1,A,a@x.nhs.uk,G,S\n\n2,B,A@X.nhs.uk,G,S\n", 4, "already given on line 2"},
		{"short row", header + "1,A,a@x.nhs.uk,G\n", 2, "wrong number of fields"},
		{"bad quote", header + "1,\"A,a@x.nhs.uk,G,S\n", 2, "quote"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ReadStaffCSV(strings.NewReader(c.csv), "staff.csv")
			if d != nil {
				t.Fatalf("got a directory of %d people from a bad file", d.Len())
			}
			wantImportError(t, err, c.line, c.want)
			if !strings.HasPrefix(err.Error(), "staff.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
		})
	}
}

func TestDirectoryLookup(t *testing.T) {
	d := testDirectory(t)
	cases := []struct {
		user, wantID string
	}{
		{"aisha.khan@trust.nhs.uk", "1001"},
		{"AISHA.KHAN@TRUST.NHS.UK", "1001"},
		{`TRUST\bturner`, "1002"},
		{"cevans", "1003"},
		{"dpatel@trust.local", "1004"}, // a UPN that is not the email: tried as the account name
		{"1005", "1005"},
		{"nobody", ""},
		{"", ""},
		{`TRUST\`, ""},
	}
	for _, c := range cases {
		p, ok := d.Lookup(c.user)
		if ok != (c.wantID != "") || p.ID != c.wantID {
			t.Errorf("Lookup(%q) = %q, %v; want %q", c.user, p.ID, ok, c.wantID)
		}
	}
}
