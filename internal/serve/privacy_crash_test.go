//go:build unix

package serve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/crashtest"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// The crash child's environment: the test folder (the trust in trust/,
// the service's data in data/) and which part of the access log it sends.
const (
	privacyCrashDirEnv  = "VIGIL_PRIVACY_CRASH_DIR"
	privacyCrashPartEnv = "VIGIL_PRIVACY_CRASH_PART"
)

// privacyCrashState is what a crash child saw: its cases (user, patients
// and kinds) and the decisions recorded on them.
type privacyCrashState struct {
	Cases     []string                    `json:"cases"`
	Decisions map[string]privacy.Decision `json:"decisions"`
}

func crashStateOf(l *privacy.Live) privacyCrashState {
	st := privacyCrashState{Decisions: map[string]privacy.Decision{}}
	res := l.Result()
	if res == nil {
		return st
	}
	st.Cases = caseKeys(res.Cases)
	for _, c := range res.Cases {
		if d, ok := l.Decisions().Get(c.ID); ok {
			st.Decisions[c.ID] = d
		}
	}
	return st
}

// TestPrivacySurvivesKill runs the service with the guardian on a
// generated trust and kills it with SIGKILL twice: once after the ADT feed
// and the first third of the access log were analysed and two decisions
// recorded, and once after the second third was analysed while the event
// store was not following the log (so that the next start must read the
// log for what the store lacks). After each kill the restarted service's
// first cases and decisions must be those before the kill; after the last
// third arrives, the cases must be the offline audit's of the whole trust.
func TestPrivacySurvivesKill(t *testing.T) {
	if dir := os.Getenv(privacyCrashDirEnv); dir != "" {
		privacyCrashChild(t, dir, os.Getenv(privacyCrashPartEnv))
		return
	}
	dir := t.TempDir()
	trust := filepath.Join(dir, "trust")
	if _, err := care.Generate(care.Config{Seed: 5, Size: "test", Staff: 80, Patients: 1200, Days: 4, Start: care.DefaultStart}, trust, nil); err != nil {
		t.Fatal(err)
	}
	splitAccessLog(t, trust, 3)
	offline := offlineAudit(t, trust)

	kill := func(part string) (rebuilt, acked privacyCrashState) {
		lines := crashtest.Kill(t, "TestPrivacySurvivesKill", privacyCrashDirEnv+"="+dir, privacyCrashPartEnv+"="+part)
		for _, l := range lines {
			for prefix, dst := range map[string]*privacyCrashState{"rebuilt ": &rebuilt, "ack ": &acked} {
				if rest, ok := strings.CutPrefix(l, prefix); ok {
					if err := json.Unmarshal([]byte(rest), dst); err != nil {
						t.Fatalf("part %s: %q: %v", part, l, err)
					}
				}
			}
		}
		if len(acked.Cases) == 0 {
			t.Fatalf("part %s acknowledged no cases: %q", part, lines)
		}
		return rebuilt, acked
	}
	_, before := kill("1")
	if len(before.Decisions) != 2 {
		t.Fatalf("part 1 recorded %d decisions, want 2", len(before.Decisions))
	}
	rebuilt, before2 := kill("2")
	sameCrashState(t, "after the first kill", before, rebuilt)
	if len(before2.Cases) <= len(before.Cases) {
		t.Errorf("the second third raised no new case: %d cases, %d before", len(before2.Cases), len(before.Cases))
	}

	logs := &sharedtest.SyncBuffer{}
	ts := startServiceLog(t, privacyCrashConfig(dir), slog.New(slog.NewJSONHandler(logs, nil)))
	sameCrashState(t, "after the second kill", before2, crashStateOf(ts.svc.privacy))
	if n := rebuiltFromLog(t, logs.String()); n == 0 {
		t.Errorf("the second start read no privacy input from the log; the test meant the event store to lag it:\n%s", logs)
	}

	sendAccesses(t, ts, filepath.Join(trust, "access3.ndjson"))
	var resp privacy.CasesResponse
	waitFor(t, "an analysis of the whole access log", func() bool {
		resp = privacy.CasesResponse{}
		ts.do(t, "GET", "/api/v1/privacy/cases?limit=100000", testToken, nil, &resp)
		return resp.Analysed && resp.Summary.Accesses == offline.Summary.Accesses && resp.Summary.Searches == offline.Summary.Searches
	})
	if got, want := caseKeys(resp.Cases), caseKeys(offline.Cases); !slices.Equal(got, want) {
		t.Errorf("after two kills the live cases differ from the offline audit's:\nlive    %v\noffline %v", got, want)
	}
	for id, d := range before.Decisions {
		if got, ok := ts.svc.privacy.Decisions().Get(id); !ok || got.Outcome != d.Outcome || !got.BreachConfirmed.Equal(d.BreachConfirmed) {
			t.Errorf("decision on %s after the kills: %+v, want %+v", id, got, d)
		}
	}
	t.Logf("%d cases before the first kill, %d before the second, %d at the end (offline %d); %d accesses",
		len(before.Cases), len(before2.Cases), len(resp.Cases), len(offline.Cases), resp.Summary.Accesses)
}

// privacyCrashChild is the service the parent kills: it sends its part of
// the trust, waits until the detector has fed all of it to the guardian,
// analyses, records two decisions (part 1), prints "ack " and its state,
// and waits to be killed.
func privacyCrashChild(t *testing.T, dir, part string) {
	if part == "2" {
		followEvery = time.Hour // the event store copies only what the log held at start
	}
	ts := startService(t, privacyCrashConfig(dir))
	emit := func(prefix string, st privacyCrashState) {
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString(prefix + string(b) + "\n") // one write: a kill cuts no line in two
	}
	emit("rebuilt ", crashStateOf(ts.svc.privacy))
	trust := filepath.Join(dir, "trust")
	if part == "1" {
		sendADT(t, ts, filepath.Join(trust, "adt"))
		sendADT(t, ts, filepath.Join(trust, "appointments"))
	}
	sendAccesses(t, ts, filepath.Join(trust, "access"+part+".ndjson"))
	waitFor(t, "the detector to process the log", func() bool {
		return ts.svc.processed.Load() == ts.svc.wal.Stats().Last
	})
	res := ts.svc.privacy.Analyse()
	if len(res.Cases) == 0 {
		t.Fatal("the analysis raised no case")
	}
	if part == "1" {
		dl := ts.svc.privacy.Decisions()
		at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		for i, c := range res.Cases[:min(2, len(res.Cases))] {
			if _, err := dl.Record(c.ID, privacy.OutcomeEscalated, "po1", fmt.Sprintf("decision %d", i), at); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := dl.ConfirmBreach(res.Cases[0].ID, "po1", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	emit("ack ", crashStateOf(ts.svc.privacy))
	for {
		time.Sleep(time.Second) // until the parent kills this process
	}
}

func privacyCrashConfig(dir string) Config {
	cfg := DefaultConfig()
	cfg.Data = filepath.Join(dir, "data")
	cfg.HTTP = "127.0.0.1:0"
	cfg.AdminToken = testToken
	cfg.HL7.MLLP = "127.0.0.1:0"
	trust := filepath.Join(dir, "trust")
	cfg.Privacy = PrivacyConfig{Staff: filepath.Join(trust, "staff.csv"), VIP: filepath.Join(trust, "vip.txt"),
		Reviews: filepath.Join(trust, "breakglass_reviews.csv"), Every: 100 * time.Millisecond}
	return cfg
}

// splitAccessLog writes the trust's access log in n consecutive parts,
// access1.ndjson to accessN.ndjson.
func splitAccessLog(t *testing.T, trust string, n int) {
	t.Helper()
	lines := strings.SplitAfter(strings.TrimSuffix(string(readFile(t, trust, "access.ndjson")), "\n"), "\n")
	per := (len(lines) + n - 1) / n
	for i := range n {
		part := lines[min(i*per, len(lines)):min((i+1)*per, len(lines))]
		if err := os.WriteFile(filepath.Join(trust, fmt.Sprintf("access%d.ndjson", i+1)), []byte(strings.Join(part, "")), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func sameCrashState(t *testing.T, when string, want, got privacyCrashState) {
	t.Helper()
	if !slices.Equal(got.Cases, want.Cases) {
		t.Errorf("%s: the first cases differ from those before:\nbefore %v\nafter  %v", when, want.Cases, got.Cases)
	}
	if len(got.Decisions) != len(want.Decisions) {
		t.Errorf("%s: %d decisions, %d before", when, len(got.Decisions), len(want.Decisions))
	}
	for id, d := range want.Decisions {
		if g := got.Decisions[id]; g.Outcome != d.Outcome || g.Note != d.Note || !g.At.Equal(d.At) || !g.BreachConfirmed.Equal(d.BreachConfirmed) {
			t.Errorf("%s: decision on %s is %+v, was %+v", when, id, g, d)
		}
	}
}

// rebuiltFromLog returns from_log of the "privacy inputs rebuilt" line of
// a JSON log.
func rebuiltFromLog(t *testing.T, logs string) int {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Msg     string `json:"msg"`
			FromLog int    `json:"from_log"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "privacy inputs rebuilt" {
			return line.FromLog
		}
	}
	t.Fatalf("no \"privacy inputs rebuilt\" line in the log:\n%s", logs)
	return 0
}
