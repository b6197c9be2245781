package sigma

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/winjson/winjsontest"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// regressionCase is one folder of the SigmaHQ regression data with the
// events of its evtx_dump JSON file, as the product's JSON reader gives
// them.
type regressionCase struct {
	sharedtest.RegressionCase
	events []*event.Event
}

// loadRegressionCases reads the folders that have a JSON sample.
func loadRegressionCases(tb testing.TB) []regressionCase {
	tb.Helper()
	var cases []regressionCase
	for _, c := range sharedtest.RegressionCases(tb) {
		if c.JSON != "" {
			cases = append(cases, regressionCase{c, readJSONEvents(tb, c.JSON)})
		}
	}
	return cases
}

// readJSONEvents reads every event of a JSON file as the product does and
// adds the Defender names without spaces (see addSpacelessNames).
func readJSONEvents(tb testing.TB, path string) []*event.Event {
	tb.Helper()
	evs := winjsontest.ReadFile(tb, path)
	for _, ev := range evs {
		addSpacelessNames(ev)
	}
	return evs
}

// addSpacelessNames adds, for each field whose name has spaces, the same
// value under the name without them. Windows Defender names its fields
// "Threat Name", "Process Name"; SigmaHQ's windefend rules write
// "ThreatName", and the product bridges the two in detect.AddAliases before
// any rule runs. That step cannot be called here (detect imports sigma), so
// this is its Defender part in brief; only Defender events of the
// regression data have such names.
func addSpacelessNames(ev *event.Event) {
	for i, n := 0, ev.Len(); i < n; i++ {
		id, v := ev.Field(i)
		if name := id.String(); strings.Contains(name, " ") {
			ev.Set(strings.ReplaceAll(name, " ", ""), v)
		}
	}
}

// knownMiscounts corrects match_count where the regression data
// undercounts: each of these samples holds more events that the rule's
// detection plainly matches (checked by reading the events: three
// ZoneMap\Domains values set to 2, both AutoShare values set to 0, and
// procdump.exe, procdump64.exe and procdump64a.exe dropped).
var knownMiscounts = map[string]int{
	"registry_set_change_security_zones":           3,
	"registry_set_disable_administrative_share":    2,
	"file_event_win_cred_dump_tools_dropped_files": 3,
}

// TestRegressionData runs each SigmaHQ rule on the events of its own
// regression sample: the rule must match, as often as the case says.
func TestRegressionData(t *testing.T) {
	s := loadSigmaHQ(t)
	cases := loadRegressionCases(t)
	if len(cases) < 150 {
		t.Fatalf("found only %d regression cases", len(cases))
	}
	for _, c := range cases {
		r := s.RuleByRef(c.RuleIDs[0])
		if r == nil {
			t.Errorf("%s: rule %s not loaded", c.Dir, c.RuleIDs[0])
			continue
		}
		got := 0
		for _, ev := range c.events {
			if r.Match(ev) {
				got++
			}
		}
		want := c.MatchCount
		if n, ok := knownMiscounts[filepath.Base(c.Dir)]; ok {
			want = n
		}
		switch {
		case want > 0 && got != want:
			t.Errorf("%s (%s): %d of %d events match, want %d", r.Title, c.JSON, got, len(c.events), want)
		case got == 0:
			t.Errorf("%s (%s): no event matches", r.Title, c.JSON)
		}
	}
}

// TestRequiredIsSound checks Required against real events: whenever a rule
// matches an event, one of its literals occurs in the lower-cased value of
// its field (of any field for Field 0). Every SigmaHQ rule meets every
// regression event, so rules also meet events of other rules.
func TestRequiredIsSound(t *testing.T) {
	s := loadSigmaHQ(t)
	var events []*event.Event
	for _, c := range loadRegressionCases(t) {
		events = append(events, c.events...)
	}
	matches, withLits := 0, 0
	for _, r := range s.Rules {
		lits := r.Required()
		if lits != nil {
			withLits++
		}
		for _, ev := range events {
			if !r.Match(ev) {
				continue
			}
			matches++
			if lits != nil && !anyLiteralIn(ev, lits) {
				t.Errorf("%s (%s): matches an event containing none of %q", r.Title, r.Path, lits)
			}
		}
	}
	t.Logf("%d rules, %d with literals; %d events; %d matches checked", len(s.Rules), withLits, len(events), matches)
	if matches < len(events) {
		t.Fatalf("only %d matches: the soundness check saw too little", matches)
	}
}

func anyLiteralIn(ev *event.Event, lits []Literal) bool {
	for _, l := range lits {
		for i := 0; i < ev.Len(); i++ {
			id, v := ev.Field(i)
			if (l.Field == 0 || l.Field == id) && strings.Contains(event.ToLowerASCII(v), l.Text) {
				return true
			}
		}
	}
	return false
}
