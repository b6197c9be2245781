package privacy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// liveEvents turns the test trust's files into events as vigil serve
// stores them: hl7.ToEvent for each ADT message, fhir.Access.ToEvent for
// each AuditEvent.
func liveEvents(t *testing.T, dir string) (staff []Staff, evs []*event.Event) {
	t.Helper()
	staffPath, adtPath, accessPath, _, _ := testTrust(t, dir)
	f, err := os.Open(staffPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	staff, _, err = ReadRoster(f, staffPath)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(adtPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range hl7.Split(data) {
		m, err := hl7.Parse(raw)
		if err != nil {
			continue // the test trust's malformed message
		}
		ev := &event.Event{}
		hl7.ToEvent(m, ev)
		evs = append(evs, ev)
	}
	data, err = os.ReadFile(accessPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		ac, err := fhir.ParseAuditEvent(line)
		if err != nil {
			continue
		}
		ev := &event.Event{}
		ac.ToEvent(ev)
		evs = append(evs, ev)
	}
	return staff, evs
}

// TestLive feeds the test trust to Live as events and checks the cases it
// finds, that a legitimate access raises none, and that Run re-analyses
// once events arrive.
func TestLive(t *testing.T) {
	staff, evs := liveEvents(t, t.TempDir())
	l := NewLive(DefaultOptions(), nil)
	if cs := l.Cases(); cs == nil || len(cs) != 0 || l.Result() != nil {
		t.Fatalf("before any analysis: cases %v", cs)
	}
	l.SetRoster(staff)
	l.SetWatchList([]string{nhs(4)})
	l.AddReview(Review{EventID: "bg-10", UserID: "B001", PatientID: nhs(10), Justified: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx, 10*time.Millisecond) }()
	kept := 0
	for _, ev := range evs {
		if l.AddEvent(ev) {
			kept++
		}
	}
	if ignored := l.AddEvent(&event.Event{LogSource: event.LogSource{Product: "windows"}}); ignored {
		t.Error("a Windows event was kept")
	}
	deadline := time.Now().Add(10 * time.Second)
	for l.Result() == nil || l.Result().Summary.Accesses != 37 {
		if time.Now().After(deadline) {
			t.Fatalf("no analysis of all %d kept events within 10s", kept)
		}
		time.Sleep(5 * time.Millisecond) // polling the condition
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
	pairs := map[string][]string{}
	for _, c := range l.Cases() {
		pairs[c.UserID+"/"+c.PatientID] = c.Kinds
	}
	for _, want := range []string{"H001/" + nhs(2), "N001/" + nhs(8), "B001/" + nhs(9), "N001/" + nhs(4)} {
		if _, ok := pairs[want]; !ok {
			t.Errorf("no live case for %s (cases %v)", want, pairs)
		}
	}
	for _, legit := range []string{"N001/" + nhs(1), "C001/" + nhs(1), "B001/" + nhs(10), "R001/" + nhs(12)} {
		if k, ok := pairs[legit]; ok {
			t.Errorf("live case for legitimate %s: %v", legit, k)
		}
	}
}

// TestLiveResultsNeverGoBack: an analysis asked for while another runs
// over fewer inputs must not end with the older one's result stored, as
// happens when the older run finishes last.
func TestLiveResultsNeverGoBack(t *testing.T) {
	staff, evs := liveEvents(t, t.TempDir())
	l := NewLive(DefaultOptions(), nil)
	l.SetRoster(staff)
	half := len(evs) / 2
	for _, ev := range evs[:half] {
		l.AddEvent(ev)
	}
	snapshotted, release := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	l.afterSnapshot = func() {
		if !first.CompareAndSwap(false, true) {
			return
		}
		close(snapshotted)
		select { // held until the later analysis ends, or a second if that one waits for this
		case <-release:
		case <-time.After(time.Second):
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { l.Analyse() })
	<-snapshotted
	for _, ev := range evs[half:] {
		l.AddEvent(ev)
	}
	all := kept(l.Analyse())
	close(release)
	wg.Wait()
	if got := kept(l.Result()); got != all {
		t.Errorf("the stored result covers %d audit events, want the later analysis's %d", got, all)
	}
}

// kept counts the audit events an analysis read.
func kept(r *Result) int {
	return r.Summary.Accesses + r.Summary.Searches + r.Summary.BreakGlass + r.Summary.Skipped
}

// TestLiveKeepsAtMostMaxAccesses checks that the oldest accesses are
// dropped, and counted, beyond MaxAccesses.
func TestLiveKeepsAtMostMaxAccesses(t *testing.T) {
	_, evs := liveEvents(t, t.TempDir())
	l := NewLive(DefaultOptions(), nil)
	l.MaxAccesses = 8
	accesses := 0
	for _, ev := range evs {
		if l.AddEvent(ev) && ev.LogSource.Product == "fhir" {
			accesses++
		}
	}
	n := kept(l.Analyse())
	if n > 8+8/8 || n < 8 || int(l.Dropped())+n < accesses-4 {
		t.Errorf("kept %d of %d accesses with MaxAccesses 8, dropped %d", n, accesses, l.Dropped())
	}
}

// TestLiveCareFromEvent: the care record Live reads from each HL7 event
// is the one the offline audit reads from the same message (every
// clinician, next of kin, address, merge and appointment), and an event
// without the whole message is not kept.
func TestLiveCareFromEvent(t *testing.T) {
	dir := t.TempDir()
	_, adtPath, _, _, _ := testTrust(t, dir)
	data, err := os.ReadFile(adtPath)
	if err != nil {
		t.Fatal(err)
	}
	siu := "MSH|^~\\&|PAS|RXX|VIGIL|RXX|20260505090000||SIU^S12|S1|P|2.5\rSCH|A1|A1|||||||30|MIN|^^30^202605051000^202605051030\r" +
		"PID|||" + nhs(3) + "^^^NHS^NH||TURNER^ANN\rAIP|1||C001^SMITH^JOHN\r"
	msgs := append(hl7.Split(data), []byte(siu))
	l := NewLive(DefaultOptions(), nil)
	kinds := map[string]int{}
	for _, raw := range msgs {
		m, err := hl7.Parse(raw)
		if err != nil {
			continue
		}
		want, werr := careRecordOf(m)
		ev := &event.Event{}
		hl7.ToEvent(m, ev)
		got, ok := l.careFromEvent(ev)
		if ok != (werr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("message %s: live %+v (%v), offline %+v (%v)", m.ControlID(), got, ok, want, werr)
		}
		if got.adt != nil {
			kinds["ADT"]++
		}
		if got.appt != nil {
			kinds["SIU"]++
		}
	}
	if kinds["ADT"] < 10 || kinds["SIU"] != 1 {
		t.Errorf("messages compared: %v", kinds)
	}
	bare := &event.Event{LogSource: event.LogSource{Product: "hl7", Service: "adt"}}
	if l.AddEvent(bare) {
		t.Error("an HL7 event without its message was kept")
	}
}

// TestLiveCasesHandler checks the JSON the API serves, its filters and
// its errors.
func TestLiveCasesHandler(t *testing.T) {
	staff, evs := liveEvents(t, t.TempDir())
	l := NewLive(DefaultOptions(), nil)
	h := l.CasesHandler()
	get := func(query string) (int, CasesResponse) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/privacy/cases"+query, nil))
		var resp CasesResponse
		if rec.Code == http.StatusOK {
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("%s: %v: %s", query, err, rec.Body.String())
			}
		}
		return rec.Code, resp
	}
	if code, resp := get(""); code != 200 || resp.Analysed || resp.Cases == nil || len(resp.Cases) != 0 {
		t.Errorf("before analysis: %d %+v", code, resp)
	}
	l.SetRoster(staff)
	for _, ev := range evs {
		l.AddEvent(ev)
	}
	all := len(l.Analyse().Cases)
	tests := []struct {
		query string
		code  int
		check func(CasesResponse) bool
	}{
		{"", 200, func(r CasesResponse) bool { return r.Analysed && len(r.Cases) == all && r.Summary.Accesses == 37 }},
		{"?limit=2", 200, func(r CasesResponse) bool { return len(r.Cases) == 2 }},
		{"?kind=family", 200, func(r CasesResponse) bool {
			return len(r.Cases) > 0 && !slices.ContainsFunc(r.Cases, func(c Case) bool { return !slices.Contains(c.Kinds, "family") })
		}},
		{"?user=H001", 200, func(r CasesResponse) bool {
			return len(r.Cases) == 2 && r.Cases[0].UserID == "H001" && r.Cases[1].UserID == "H001"
		}},
		{"?patient=" + nhs(25), 200, func(r CasesResponse) bool { return len(r.Cases) == 1 && len(r.Cases[0].Patients) == 12 }},
		{"?min_score=1000", 200, func(r CasesResponse) bool { return len(r.Cases) == 0 }},
		{"?kind=gossip", 400, nil},
		{"?limit=-1", 400, nil},
		{"?min_score=x", 400, nil},
	}
	for _, tc := range tests {
		code, resp := get(tc.query)
		if code != tc.code || (tc.check != nil && !tc.check(resp)) {
			t.Errorf("%q: %d %+v", tc.query, code, resp)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/v1/privacy/cases", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") == "" {
		t.Errorf("POST: %d", rec.Code)
	}
}
