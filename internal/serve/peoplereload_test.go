package serve

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
)

// importStaff imports a staff CSV into a data folder as vigil people
// import does: through a Store of its own, beside the service's.
func importStaff(t *testing.T, data, csv string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "staff.csv")
	writeTestFile(t, path, csv)
	st, err := people.OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Import(context.Background(), people.ImportFiles{Staff: path}, time.Now()); err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
}

// withoutAisha is the guidance tests' directory less Aisha Khan (a.khan),
// the only member of her staff group.
func withoutAisha(t *testing.T) string {
	t.Helper()
	var kept []string
	for line := range strings.Lines(guidanceStaff) {
		if !strings.HasPrefix(line, "1001,") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "")
}

// pulseGroups returns the staff groups the pulse form offers.
func pulseGroups(t *testing.T, ts *testService, round string) string {
	t.Helper()
	link := "/pulse/" + round + "?t=" + url.QueryEscape(ts.svc.people.PulseLink(round))
	resp := ts.request(t, "GET", link, "", "", nil)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the pulse form: %d %s", resp.StatusCode, body)
	}
	return body
}

// TestStaffImportTakenInWhileServing: imports made into the data folder
// while the service runs are taken in within people.reload, with no
// restart: guidance finds a person only the new import lists, and the
// pulse form offers the new staff group.
func TestStaffImportTakenInWhileServing(t *testing.T) {
	mb := newMailbox(t, false)
	cfg := testConfig(t)
	cfg.People.Reload = 50 * time.Millisecond
	cfg.People.PulseRounds = []string{"2026-Q3"}
	cfg.People.Guidance = GuidanceConfig{Enabled: true, From: "cyber-security@trust.example",
		SMTP: &GuidanceSMTP{Addr: mb.addr(), StartTLS: "off"}}
	ts := startService(t, cfg) // nothing imported yet
	notInDir := `vigil_guidance_skipped_total{reason="not_in_directory"}`
	phases := []struct {
		name      string
		staff     string // imported before the phase; "" imports nothing
		day       string // of the failed logons by a.khan
		skipped   float64
		mailed    int
		nursesAsk bool // the pulse form offers Aisha's staff group
	}{
		{"no directory", "", "2026-11-19", 1, 0, false},
		{"a directory without Aisha", withoutAisha(t), "2026-11-20", 2, 0, false},
		{"a directory with Aisha", guidanceStaff, "2026-11-21", 2, 1, true},
	}
	for gen, ph := range phases {
		if ph.staff != "" {
			importStaff(t, cfg.Data, ph.staff)
			waitFor(t, ph.name+" to be taken in", func() bool {
				return ts.metric(t, "vigil_people_import_generation") == float64(gen)
			})
		}
		ts.post(t, failedLogons(t, ph.day))
		waitFor(t, ph.name+": the alert considered", func() bool {
			return ts.metric(t, notInDir)+ts.metric(t, "vigil_guidance_sent_total") == ph.skipped+float64(ph.mailed)
		})
		if got := len(mb.messages()); got != ph.mailed {
			t.Fatalf("%s: %d messages, want %d", ph.name, got, ph.mailed)
		}
		if got := strings.Contains(pulseGroups(t, ts, "2026-Q3"), "Nursing and Midwifery Registered"); got != ph.nursesAsk {
			t.Fatalf("%s: the pulse form offers Aisha's group: %v, want %v", ph.name, got, ph.nursesAsk)
		}
	}
	if m := mb.messages()[0]; len(m.rcpt) != 1 || m.rcpt[0] != "aisha.khan@trust.example" {
		t.Fatalf("guidance went to %v, want aisha.khan@trust.example", m.rcpt)
	}
	if n := ts.metric(t, "vigil_people_reload_errors_total"); n != 0 {
		t.Fatalf("%v failed looks for an import", n)
	}
}

// TestPeopleReloadConfig: people.reload is read from the file and the
// environment, and a duration that is not positive is refused by name.
func TestPeopleReloadConfig(t *testing.T) {
	cases := []struct {
		yaml, env string
		want      time.Duration
		err       string
	}{
		{"", "", DefaultPeopleReload, ""},
		{"people:\n  reload: 2m\n", "", 2 * time.Minute, ""},
		{"people:\n  reload: 2m\n", "3s", 3 * time.Second, ""},
		{"people:\n  reload: 0s\n", "", 0, "people.reload"},
		{"", "-1s", 0, "people.reload"},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		path := filepath.Join(t.TempDir(), "vigil.yaml")
		writeTestFile(t, path, c.yaml)
		if err := cfg.LoadConfig(path); err != nil {
			t.Fatalf("%q: %v", c.yaml, err)
		}
		if err := cfg.ApplyEnv(func(k string) string { return map[string]string{"VIGIL_PEOPLE_RELOAD": c.env}[k] }); err != nil {
			t.Fatalf("%q, %q: %v", c.yaml, c.env, err)
		}
		err := cfg.Validate()
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q, %q: %v, want an error naming %s", c.yaml, c.env, err, c.err)
		case c.err == "" && (err != nil || cfg.People.Reload != c.want):
			t.Errorf("%q, %q: reload %v, %v; want %v", c.yaml, c.env, cfg.People.Reload, err, c.want)
		}
	}
}
