package privacy

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// trustFeed is a generated trust as vigil serve receives it: the roster,
// watch list and reviews, and its HL7 messages and AuditEvents as events
// in the order they arrive (streamTrust).
type trustFeed struct {
	staff   []Staff
	vip     []string
	reviews []Review
	events  []*event.Event
	access  int // how many of events are AuditEvents
}

// readTrustFeed reads the generated trust in dir.
func readTrustFeed(t *testing.T, dir string) *trustFeed {
	t.Helper()
	tf := &trustFeed{}
	tf.staff, tf.vip, tf.reviews = trustLists(t, dir)
	streamTrust(t, dir, func(ev *event.Event) {
		tf.events = append(tf.events, ev)
		if ev.LogSource.Product == "fhir" {
			tf.access++
		}
	})
	return tf
}

// feed gives l everything tf holds, as vigil serve does.
func (tf *trustFeed) feed(l *Live) {
	l.SetRoster(tf.staff)
	l.SetWatchList(tf.vip)
	for _, r := range tf.reviews {
		l.AddReview(r)
	}
	for _, ev := range tf.events {
		l.AddEvent(ev)
	}
}

// offline analyses tf with a new Auditor as vigil privacy audit does,
// each care message in the order it arrived and the accesses l kept: the
// analysis Live must match.
func (tf *trustFeed) offline(t *testing.T, l *Live) *Result {
	t.Helper()
	a := New(DefaultOptions())
	for _, s := range tf.staff {
		a.AddStaff(s)
	}
	for _, ev := range tf.events {
		if ev.LogSource.Product == "fhir" {
			continue
		}
		raw, _ := ev.Get(hl7.FieldMessage)
		m, err := hl7.Parse([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if cr, err := careRecordOf(m); err == nil {
			if err := cr.addTo(a); err != nil {
				a.AddInputError("adt")
			}
		}
	}
	l.mu.Lock()
	for i := range l.accesses {
		a.addFact(l.accesses[i].fact(l.strs.names))
	}
	l.mu.Unlock()
	for _, n := range tf.vip {
		a.AddVIP(n)
	}
	for _, r := range tf.reviews {
		a.AddReview(r)
	}
	return a.Run()
}

// caseLines writes each case as a line of what a reviewer reads: id,
// user, patients, kinds, score, accesses, days and evidence.
func caseLines(cases []Case) []string {
	out := make([]string, len(cases))
	for i, c := range cases {
		out[i] = fmt.Sprintf("%s %s %s %v %v score=%d n=%d days=%d %q", c.ID, c.UserID, c.PatientID, c.Patients, c.Kinds,
			c.Score, c.Accesses, c.Days, c.Evidence)
	}
	return out
}

// TestLiveCareEqualsOffline runs a generated trust through Live, its care
// records folded as they arrive and, with a small MaxAccesses, the
// accesses and the care facts that ended before them dropped, and
// through an offline Auditor over every care message and the accesses
// Live kept: the cases must be the same, evidence and all.
func TestLiveCareEqualsOffline(t *testing.T) {
	dir := t.TempDir()
	cfg := care.Config{Seed: 7, Size: "test", Staff: 100, Patients: 1500, Days: 35, Start: care.DefaultStart}
	if testing.Short() { // a smaller trust, still long enough for visits to end before the accesses kept
		cfg.Staff, cfg.Patients, cfg.Days = 60, 1000, 28
	}
	if _, err := care.Generate(cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	tf := readTrustFeed(t, dir)
	tests := []struct {
		name        string
		maxAccesses int
		wantDrops   bool
	}{
		{"everything kept", DefaultMaxAccesses, false},
		{"a third of the accesses kept", tf.access / 3, true},
		{"a tenth of the accesses kept", tf.access / 10, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLive(DefaultOptions(), nil)
			l.MaxAccesses = tc.maxAccesses
			tf.feed(l)
			live := l.Analyse()
			st := l.Stats()
			if dropped := st.AccessesDropped > 0 && st.EpisodesDropped > 0; dropped != tc.wantDrops {
				t.Fatalf("drops %v, want %v: %+v", dropped, tc.wantDrops, st)
			}
			off := tf.offline(t, l)
			got, want := caseLines(live.Cases), caseLines(off.Cases)
			if len(want) == 0 {
				t.Fatal("the offline analysis found no case")
			}
			if !tc.wantDrops { // and the files as vigil privacy audit reads them
				a, _ := loadTrust(t, dir)
				want = caseLines(a.Run().Cases)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%d live cases, %d offline", len(got), len(want))
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("case %d:\n live    %s\n offline %s", i, got[i], want[i])
					}
				}
			}
			ls, os := live.Summary, off.Summary
			if ls.Accesses != os.Accesses || ls.Explained != os.Explained || ls.Patients != os.Patients ||
				ls.ADTMessages != os.ADTMessages || ls.Appointments != os.Appointments {
				t.Errorf("summaries differ:\n live    %+v\n offline %+v", ls, os)
			}
			if ls.Episodes != os.Episodes-int(st.EpisodesDropped) {
				t.Errorf("live analysed %d episodes, offline %d, %d dropped", ls.Episodes, os.Episodes, st.EpisodesDropped)
			}
			t.Logf("%d cases; %+v", len(got), st)
		})
	}
}

// careStateOf folds the messages into a new care state.
func careStateOf(t *testing.T, msgs []adtSpec) *Auditor {
	t.Helper()
	c := newCareState(DefaultOptions())
	for _, s := range msgs {
		addSpec(t, c, s)
	}
	return c
}

func addSpec(t *testing.T, a *Auditor, s adtSpec) {
	t.Helper()
	m, err := hl7.Parse([]byte(s.String()))
	if err != nil {
		t.Fatal(err)
	}
	adt, err := hl7.ParseADT(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddADT(adt); err != nil {
		t.Fatal(err)
	}
}

// episodeLabels lists the care state's episodes as label:end (end as
// MMDD, or "open").
func episodeLabels(a *Auditor) []string {
	var out []string
	for _, e := range a.episodes {
		end := "open"
		if e.end != 0 {
			end = unixTime(e.end).Format("0102")
		}
		out = append(out, e.label+":"+end)
	}
	return out
}

// TestDropCareBefore checks which visits and links a cut drops (those
// whose every window ended before it), that patients stay, and that
// messages after the drop find the visits kept.
func TestDropCareBefore(t *testing.T) {
	msgs := []adtSpec{
		{event: "A01", at: "202601010800", operator: "R001", nhs: nhs(1), family: "ONE", ward: "Ward 7", visit: "V1", attending: "C001", admit: "202601010800"},
		{event: "A01", at: "202601020800", nhs: nhs(4), family: "FOUR", ward: "Ward 7", visit: "V4", attending: "C001", admit: "202601020800"},
		{event: "A11", at: "202601021000", nhs: nhs(4), family: "FOUR", ward: "Ward 7", visit: "V4", attending: "C001", admit: "202601020800"},
		{event: "A03", at: "202601051200", nhs: nhs(1), family: "ONE", ward: "Ward 7", visit: "V1", attending: "C001", disch: "202601051200"},
		{event: "A01", at: "202601100800", nhs: nhs(2), family: "TWO", ward: "Ward 9", visit: "V2", attending: "C002", admit: "202601100800"},
		{event: "A01", at: "202602010800", nhs: nhs(3), family: "THREE", ward: "Ward 9", visit: "V3", attending: "C002", admit: "202602010800"},
		{event: "A03", at: "202602031200", nhs: nhs(3), family: "THREE", ward: "Ward 9", visit: "V3", attending: "C002", disch: "202602031200"},
	}
	day := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	tests := []struct {
		cut      string
		episodes []string
		links    int
	}{
		{"2026-01-01T00:00:00Z", []string{"V1:0105", "V4:0102", "V2:open", "V3:0203"}, 1},
		{"2026-01-17T00:00:00Z", []string{"V1:0105", "V2:open", "V3:0203"}, 0}, // V4 cancelled Jan 2: care window to Jan 16
		{"2026-01-20T00:00:00Z", []string{"V2:open", "V3:0203"}, 0},            // V1 discharged Jan 5: to Jan 19
		{"2026-03-01T00:00:00Z", []string{"V2:open"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.cut, func(t *testing.T) {
			c := careStateOf(t, msgs)
			before := len(c.episodes)
			d := c.dropCareBefore(day(tc.cut))
			if got := episodeLabels(c); !slices.Equal(got, tc.episodes) || len(c.links) != tc.links {
				t.Errorf("kept %v and %d links, want %v and %d", got, len(c.links), tc.episodes, tc.links)
			}
			if d.episodes != before-len(tc.episodes) || len(c.patients) != 4 || c.patients[0].Family != "ONE" {
				t.Errorf("dropped %d episodes of %d; %d patients", d.episodes, before, len(c.patients))
			}
			if len(c.visits) != len(tc.episodes) {
				t.Errorf("%d visits indexed, %d episodes kept", len(c.visits), len(tc.episodes))
			}
		})
	}
	// After a drop, a message about a kept visit updates it; one about a
	// dropped visit starts it afresh.
	c := careStateOf(t, msgs)
	c.dropCareBefore(day("2026-01-20T00:00:00Z"))
	addSpec(t, c, adtSpec{event: "A03", at: "202602051200", nhs: nhs(3), family: "THREE", ward: "Ward 9", visit: "V3", disch: "202602051200"})
	addSpec(t, c, adtSpec{event: "A03", at: "202601051200", nhs: nhs(1), family: "ONE", ward: "Ward 7", visit: "V1", disch: "202601051200"})
	if got, want := episodeLabels(c), []string{"V2:open", "V3:0205", "V1:0105"}; !slices.Equal(got, want) {
		t.Errorf("after the drop: %v, want %v", got, want)
	}
}

// TestLiveDropsCareWhileAnalysing feeds the test trust with a tiny
// MaxAccesses while analyses run (the race detector checks that a run
// reads its own copy of the care facts) and checks that the visits
// ended months before the accesses kept were dropped and counted.
func TestLiveDropsCareWhileAnalysing(t *testing.T) {
	staff, evs := liveEvents(t, t.TempDir())
	l := NewLive(DefaultOptions(), nil)
	l.MaxAccesses = 8
	l.SetRoster(staff)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx, time.Millisecond) }()
	for _, ev := range evs {
		l.AddEvent(ev)
	}
	cancel()
	<-done
	res, st := l.Analyse(), l.Stats()
	// V2, V5 and V15 ended in January to March 2026, the accesses are in May.
	if st.EpisodesDropped < 3 || st.Episodes+int(st.EpisodesDropped) != 12 || st.Patients != 12 || st.CareMessages != 15 {
		t.Errorf("stats %+v", st)
	}
	if res.Summary.Episodes != st.Episodes || res.Summary.ADTMessages != 15 {
		t.Errorf("summary %+v, stats %+v", res.Summary, st)
	}
}

// TestLiveHoldsARepeatedCarerOnce: a registered carer (ROL) that every
// message repeats is held once by Live's care state, where the offline
// Auditor adds one link a message, and explains the same access.
func TestLiveHoldsARepeatedCarerOnce(t *testing.T) {
	l := NewLive(DefaultOptions(), nil)
	offline := New(DefaultOptions())
	for i := range 3 {
		raw := fmt.Sprintf("MSH|^~\\&|PAS|RX1|VIGIL|RX1|2026050%d0900||ADT^A08|M%d|P|2.4\rEVN|A08|2026050%d0900\r"+
			"PID|1||%s^^^NHS^NH||ROSS^LEO\rROL|1|UC|PP^Primary Care Provider|G001^GP^ANN\r", i+1, i, i+1, nhs(1))
		m, err := hl7.Parse([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		ev := &event.Event{}
		hl7.ToEvent(m, ev)
		if !l.AddEvent(ev) {
			t.Fatalf("message %d not kept", i)
		}
		cr, err := careRecordOf(m)
		if err != nil || cr.addTo(offline) != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	ac, err := fhir.ParseAuditEvent([]byte(auditEvent("g1", "2026-05-05T10:00:00Z", "G001", "read", nhs(1))))
	if err != nil {
		t.Fatal(err)
	}
	ev := &event.Event{}
	ac.ToEvent(ev)
	l.AddEvent(ev)
	res := l.Analyse()
	if st := l.Stats(); st.Links != 1 || len(offline.links) != 3 {
		t.Errorf("live holds %d links, offline %d; want 1 and 3", st.Links, len(offline.links))
	}
	if res.Summary.ByExplanation["registered_carer"] != 1 || len(res.Cases) != 0 {
		t.Errorf("the GP's access: %+v, cases %v", res.Summary.ByExplanation, caseLines(res.Cases))
	}
}
