// Package peopletest is the test suite every people.DataStore must pass,
// the data folder's files and PostgreSQL alike, so that imports, reports,
// guidance and pulse counts read back the same wherever they are kept
// (Run), and people.Store behaves the same over each (RunStore).
package peopletest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// Opener returns the store kept at dir (a folder, or a name for a
// database schema); opening dir again after Close gives back what was
// kept there.
type Opener func(t *testing.T, dir string) people.DataStore

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	sharedtest.RunSuite(t, open, []sharedtest.SuiteCase[Opener]{
		{Name: "Empty", Fn: testEmpty},
		{Name: "Imported", Fn: testImported},
		{Name: "ImportedRefused", Fn: testImportedRefused},
		{Name: "ImportGeneration", Fn: testImportGeneration},
		{Name: "Reports", Fn: testReports},
		{Name: "Guidance", Fn: testGuidance},
		{Name: "PulseCounts", Fn: testPulseCounts},
		{Name: "PulseKey", Fn: testPulseKey},
		{Name: "Concurrent", Fn: testConcurrent},
		{Name: "Cancelled", Fn: testCancelled},
		{Name: "Closed", Fn: testClosed},
	})
}

var (
	ctx = context.Background()
	at  = time.Date(2025, 10, 7, 8, 2, 11, 123456789, time.FixedZone("BST", 3600))
)

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func reopen(t *testing.T, s people.DataStore, open Opener, dir string) people.DataStore {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return open(t, dir)
}

func imported(n int) people.Imported {
	im := people.Imported{At: at.UTC(), StaffFile: "staff.csv", TrainingFile: "training.csv"}
	for i := range n {
		im.Staff = append(im.Staff, people.Person{ID: fmt.Sprint("E", 100+i), Name: fmt.Sprint("Nurse Ñame ", i),
			Email: fmt.Sprintf("n%d@trust.nhs.uk", i), Username: fmt.Sprint("nurse", i), Group: "Nursing and Midwifery Registered",
			Site: "General", Department: "Ward 7", Manager: "E001"})
		im.Training = append(im.Training, people.Record{StaffID: fmt.Sprint("E", 100+i), Course: "Data Security Awareness",
			Completed: at.AddDate(0, -i, 0).UTC(), Expires: at.AddDate(1, -i, 0).UTC()})
	}
	im.Campaigns = []people.Campaign{{ID: "7", Name: "October lure", Launched: at.UTC(), Recipients: []people.Recipient{
		{Email: "n0@trust.nhs.uk", FirstName: "N", LastName: "Zero", Position: "Nurse", Sent: true, Opened: true, Clicked: true, Reported: true, ReportedAt: at.UTC()}}}}
	return im
}

func testEmpty(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	im := must[people.Imported](t, "LoadImported")(s.LoadImported(ctx))
	if len(im.Staff) != 0 || len(im.Training) != 0 || len(im.Campaigns) != 0 || !im.At.IsZero() {
		t.Fatalf("a new store's imported data: %+v", im)
	}
	if rs := must[[]people.Report](t, "ListReports")(s.ListReports(ctx)); len(rs) != 0 {
		t.Fatalf("a new store's reports: %+v", rs)
	}
	if ms := must[[]people.Message](t, "ListGuidance")(s.ListGuidance(ctx)); len(ms) != 0 {
		t.Fatalf("a new store's guidance: %+v", ms)
	}
	if cs := must[[]people.PulseCount](t, "PulseCounts")(s.PulseCounts(ctx)); len(cs) != 0 {
		t.Fatalf("a new store's pulse counts: %+v", cs)
	}
}

// save saves im and returns it as it should read back: with the
// generation the save took.
func save(t *testing.T, s people.DataStore, im people.Imported) people.Imported {
	t.Helper()
	gen, err := s.SaveImported(ctx, im)
	if err != nil {
		t.Fatalf("SaveImported: %v", err)
	}
	im.Generation = gen
	return im
}

func testImported(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	want := save(t, s, imported(3))
	sharedtest.SameJSON(t, "imported data read back", must[people.Imported](t, "LoadImported")(s.LoadImported(ctx)), want)
	want = save(t, s, imported(1))
	sharedtest.SameJSON(t, "imported data after a second save", must[people.Imported](t, "LoadImported")(s.LoadImported(ctx)), want)
	s = reopen(t, s, open, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "imported data after reopening", must[people.Imported](t, "LoadImported")(s.LoadImported(ctx)), want)
}

func testImportedRefused(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	want := save(t, s, imported(2))
	twice := imported(3)
	twice.Staff[2].ID = twice.Staff[0].ID
	noID := imported(1)
	noID.Staff[0].ID = ""
	for _, im := range []people.Imported{twice, noID} {
		if _, err := s.SaveImported(ctx, im); err == nil {
			t.Fatalf("SaveImported accepted staff %+v", im.Staff)
		}
	}
	sharedtest.SameJSON(t, "imported data after refused saves", must[people.Imported](t, "LoadImported")(s.LoadImported(ctx)), want)
}

// generation fails unless the store's import generation is want.
func generation(t *testing.T, s people.DataStore, want uint64, when string) {
	t.Helper()
	if gen := must[uint64](t, "ImportGeneration")(s.ImportGeneration(ctx)); gen != want {
		t.Fatalf("import generation %s: %d, want %d", when, gen, want)
	}
}

// testImportGeneration: the generation moves on with each save of the
// imported data, by this handle or another on the same data (another
// process, another node), and with nothing else.
func testImportGeneration(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	generation(t, s, 0, "of a new store")
	if im := save(t, s, imported(2)); im.Generation != 1 {
		t.Fatalf("the first save took generation %d, want 1", im.Generation)
	}
	generation(t, s, 1, "after the first save")
	must[string](t, "AddReport")(s.AddReport(ctx, report(1)))
	if err := s.AddGuidance(ctx, message(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPulseCount(ctx, count("2026-09", "Nursing", "General", 1)); err != nil {
		t.Fatal(err)
	}
	must[[]byte](t, "PulseKey")(s.PulseKey(ctx))
	refused := imported(2)
	refused.Staff[1].ID = refused.Staff[0].ID
	if _, err := s.SaveImported(ctx, refused); err == nil {
		t.Fatal("SaveImported accepted a staff id twice")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.SaveImported(cancelled, imported(1)); err == nil {
		t.Fatal("SaveImported with a cancelled context succeeded")
	}
	generation(t, s, 1, "after reports, guidance, counts and refused saves")

	other := open(t, dir) // another process or node on the same data
	generation(t, other, 1, "seen by another handle")
	given := imported(4)
	given.Generation = 99 // ignored: the store numbers the saves
	if im := save(t, other, given); im.Generation != 2 {
		t.Fatalf("another handle's save took generation %d, want 2", im.Generation)
	}
	generation(t, s, 2, "after another handle's save")
	if im := must[people.Imported](t, "LoadImported")(s.LoadImported(ctx)); len(im.Staff) != 4 || im.Generation != 2 {
		t.Fatalf("LoadImported after another handle's save: %d staff, generation %d; want 4, 2", len(im.Staff), im.Generation)
	}
	if im := save(t, s, imported(3)); im.Generation != 3 {
		t.Fatalf("a save after another handle's took generation %d, want 3", im.Generation)
	}
	generation(t, other, 3, "seen by the other handle")
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, open, dir)
	defer s.Close()
	generation(t, s, 3, "after reopening")
}

func report(i int) people.Report {
	return people.Report{Reporter: fmt.Sprintf("n%d@trust.nhs.uk", i), ReceivedAt: at, ReportedAt: at.Add(time.Minute),
		Subject: "Your NHSmail password expires", From: "it-support@nhsmaiI.example", URLs: []string{"http://nhsmaiI.example/login?u=1&x=2"},
		Headers: map[string][]string{"Received": {"from a", "from b"}, "X-Mailer": {"x"}}, Raw: "Subject: x\r\n\r\nbody \u00e9", Via: "api"}
}

func testReports(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	var want []people.Report
	ids := map[string]bool{}
	for i := range 3 {
		r := report(i)
		if i == 2 {
			r = people.Report{Reporter: "bare@trust.nhs.uk", ReportedAt: at, Via: "mailbox"}
		}
		r.ID = "ignored: the store gives the id"
		id := must[string](t, "AddReport")(s.AddReport(ctx, r))
		if id == "" || ids[id] || id == r.ID {
			t.Fatalf("AddReport gave id %q (ids so far %v)", id, ids)
		}
		ids[id] = true
		r.ID = id
		want = append(want, r)
	}
	sharedtest.SameJSON(t, "reports read back", must[[]people.Report](t, "ListReports")(s.ListReports(ctx)), want)
	s = reopen(t, s, open, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "reports after reopening", must[[]people.Report](t, "ListReports")(s.ListReports(ctx)), want)
}

func message(i int) people.Message {
	return people.Message{StaffID: fmt.Sprint("E", 100+i), To: fmt.Sprintf("n%d@trust.nhs.uk", i), Name: "Nurse",
		Topic: "phishing", Subject: "A quick word about that email", Body: "Hello,\n\"thanks\" for reporting.", AlertID: fmt.Sprint("a", i),
		At: at.Add(time.Duration(i) * time.Hour)}
}

func testGuidance(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	want := []people.Message{message(2), message(1), {StaffID: "E1", Topic: "usb", At: at}}
	for _, m := range want {
		if err := s.AddGuidance(ctx, m); err != nil {
			t.Fatalf("AddGuidance: %v", err)
		}
	}
	sharedtest.SameJSON(t, "guidance read back", must[[]people.Message](t, "ListGuidance")(s.ListGuidance(ctx)), want)
	s = reopen(t, s, open, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "guidance after reopening", must[[]people.Message](t, "ListGuidance")(s.ListGuidance(ctx)), want)
}

func count(round, group, site string, n int) people.PulseCount {
	return people.PulseCount{Round: round, Group: group, Site: site, Respondents: n,
		Answered: [4]int{n, n, n - 1, n}, Positive: [4]int{n, n / 2, 0, n - 1}}
}

func testPulseCounts(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	for _, c := range []people.PulseCount{
		count("2026-09", "Nursing", "General", 1),
		count("2026-09", "Medical", "General", 2),
		count("2026-09", "Nursing", "General", 3), // the first cell again
		count("2026-Q4", "Nursing", "General", 1),
	} {
		if err := s.AddPulseCount(ctx, c); err != nil {
			t.Fatalf("AddPulseCount: %v", err)
		}
	}
	want := []people.PulseCount{count("2026-09", "Nursing", "General", 1).Plus(count("2026-09", "Nursing", "General", 3)),
		count("2026-09", "Medical", "General", 2), count("2026-Q4", "Nursing", "General", 1)}
	sharedtest.SameJSON(t, "pulse counts", must[[]people.PulseCount](t, "PulseCounts")(s.PulseCounts(ctx)), want)
	bad := []people.PulseCount{
		{Round: "2026-09", Group: "Nursing", Site: "General"},                                         // no respondents
		{Round: "September", Group: "Nursing", Site: "General", Respondents: 1},                       // bad round
		{Round: "2026-09", Group: "Nursing", Site: "General", Respondents: 1, Answered: [4]int{2}},    // more answers than respondents
		{Round: "2026-09", Group: "Nursing", Site: "General", Respondents: 1, Positive: [4]int{0, 1}}, // positive but not answered
	}
	for _, c := range bad {
		if err := s.AddPulseCount(ctx, c); err == nil {
			t.Fatalf("AddPulseCount accepted %+v", c)
		}
	}
	s = reopen(t, s, open, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "pulse counts after refusals and reopening", must[[]people.PulseCount](t, "PulseCounts")(s.PulseCounts(ctx)), want)
}

func testPulseKey(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	key := must[[]byte](t, "PulseKey")(s.PulseKey(ctx))
	if len(key) != 32 || bytes.Equal(key, make([]byte, 32)) {
		t.Fatalf("pulse key %x: want 32 random bytes", key)
	}
	if again := must[[]byte](t, "PulseKey")(s.PulseKey(ctx)); !bytes.Equal(again, key) {
		t.Fatal("the pulse key changed between calls")
	}
	s = reopen(t, s, open, dir)
	defer s.Close()
	if again := must[[]byte](t, "PulseKey")(s.PulseKey(ctx)); !bytes.Equal(again, key) {
		t.Fatal("the pulse key changed on reopening: old links would stop working")
	}
	other := open(t, t.TempDir())
	defer other.Close()
	if k := must[[]byte](t, "PulseKey")(other.PulseKey(ctx)); bytes.Equal(k, key) {
		t.Fatal("two stores have the same pulse key")
	}
}

func testConcurrent(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	const writers, each = 4, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*3)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := s.AddReport(ctx, report(w*each+i))
				errs <- err
				errs <- s.AddGuidance(ctx, message(w*each+i))
				errs <- s.AddPulseCount(ctx, count("2026-09", "Nursing", fmt.Sprint("site", i%2), 1))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
	}
	if rs := must[[]people.Report](t, "ListReports")(s.ListReports(ctx)); len(rs) != writers*each {
		t.Fatalf("%d reports after %d concurrent adds", len(rs), writers*each)
	}
	if ms := must[[]people.Message](t, "ListGuidance")(s.ListGuidance(ctx)); len(ms) != writers*each {
		t.Fatalf("%d messages after %d concurrent adds", len(ms), writers*each)
	}
	cs := must[[]people.PulseCount](t, "PulseCounts")(s.PulseCounts(ctx))
	if len(cs) != 2 || cs[0].Respondents+cs[1].Respondents != writers*each || cs[0].Respondents != writers*each/2 {
		t.Fatalf("pulse counts after %d concurrent adds over two cells: %+v", writers*each, cs)
	}
}

func testCancelled(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	errs := map[string]error{
		"AddGuidance":   s.AddGuidance(cancelled, message(1)),
		"AddPulseCount": s.AddPulseCount(cancelled, count("2026-09", "Nursing", "General", 1)),
	}
	_, errs["SaveImported"] = s.SaveImported(cancelled, imported(1))
	_, errs["ImportGeneration"] = s.ImportGeneration(cancelled)
	_, errs["AddReport"] = s.AddReport(cancelled, report(1))
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s with a cancelled context succeeded", name)
		}
	}
	if rs, _ := s.ListReports(ctx); len(rs) != 0 {
		t.Fatal("a report added with a cancelled context was kept")
	}
	if cs, _ := s.PulseCounts(ctx); len(cs) != 0 {
		t.Fatal("a count added with a cancelled context was kept")
	}
}

func testClosed(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	errs := map[string]error{
		"AddGuidance":   s.AddGuidance(ctx, message(1)),
		"AddPulseCount": s.AddPulseCount(ctx, count("2026-09", "Nursing", "General", 1)),
	}
	_, errs["SaveImported"] = s.SaveImported(ctx, imported(1))
	_, errs["ImportGeneration"] = s.ImportGeneration(ctx)
	_, errs["AddReport"] = s.AddReport(ctx, report(1))
	_, errs["LoadImported"] = s.LoadImported(ctx)
	_, errs["ListReports"] = s.ListReports(ctx)
	_, errs["PulseKey"] = s.PulseKey(ctx)
	for name, err := range errs {
		if !errors.Is(err, people.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}
