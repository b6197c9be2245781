package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/people"
)

func TestPeopleImport(t *testing.T) {
	in := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	staff := write("staff.csv", "staff_id,name,email,staff_group,site\n1,Ann Lee,ann@trust.nhs.uk,Nursing,North\n2,Bo Day,bo@trust.nhs.uk,Medical,South\n")
	training := write("training.csv", "staff_id,course,completed,validity\n1,Data Security Awareness,2026-01-10,12 months\n")
	badTraining := write("bad.csv", "staff_id,course,completed\n1,Data Security Awareness,2026-01-10\n2,Data Security Awareness,10-01-2026\n")
	data := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
		staff    int
	}{
		{"staff and training", []string{"--staff", staff, "--training", training}, 0, "2 staff, 1 training records", "", 2},
		{"a malformed file imports nothing", []string{"--staff", staff, "--training", badTraining}, 1, "", "bad.csv:3: completed", 2},
		{"nothing named", nil, 2, "", "give --staff", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"people", "import", "--data", data}, c.args...)
			code, stdout, stderr := runVigil(t, args...)
			if code != c.wantCode || !strings.Contains(stdout, c.wantOut) || !strings.Contains(stderr, c.wantErr) {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
			st, err := people.OpenStore(data)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if im := st.Imported(); len(im.Staff) != c.staff || len(im.Training) != 1 {
				t.Errorf("stored %d staff, %d records", len(im.Staff), len(im.Training))
			}
		})
	}
	code, stdout, _ := runVigil(t, "people", "pulse-link", "--data", data, "--round", "2026-Q1")
	if code != 0 || !strings.HasPrefix(stdout, "/pulse/2026-Q1?t=") || len(strings.TrimSpace(stdout)) != len("/pulse/2026-Q1?t=")+32 {
		t.Errorf("pulse-link: exit %d, %q", code, stdout)
	}
}
