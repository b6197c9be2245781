package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/wal"
)

const crashToken = "crash-test-token"

// vigilProc is a `vigil serve` child process.
type vigilProc struct {
	*sharedtest.Serve
	tcp string // syslog TCP address; "" when off
	// tcpSent counts the syslog messages written to this process, for
	// the TCP sender's acknowledgement (see syslogSender).
	tcpSent atomic.Int64
}

func buildVigil(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vigil")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startVigil starts `vigil serve` on a free port, with syslog over TCP on
// tcp unless it is "", and waits until it prints its address.
func startVigil(t *testing.T, bin, data, tcp string) *vigilProc {
	t.Helper()
	args := []string{"serve", "--data", data, "--http", "127.0.0.1:0"}
	if tcp != "" {
		args = append(args, "--syslog-tcp", tcp)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "VIGIL_ADMIN_TOKEN="+crashToken)
	return &vigilProc{Serve: sharedtest.StartServe(t, cmd, time.Minute), tcp: tcp}
}

func (p *vigilProc) kill(t *testing.T) {
	t.Helper()
	p.Kill()
}

// stop asks for a graceful shutdown and waits for it.
func (p *vigilProc) stop(t *testing.T) {
	t.Helper()
	p.Stop(t, time.Minute)
}

var crashClient = &http.Client{Timeout: 30 * time.Second}

func (p *vigilProc) get(route string, out any) error {
	req, _ := http.NewRequest("GET", p.Base+route, nil)
	req.Header.Set("Authorization", "Bearer "+crashToken)
	resp, err := crashClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", route, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// post sends NDJSON lines and returns how many the service accepted; an
// error means it is not known whether they were stored.
func (p *vigilProc) post(lines []string) (int, error) {
	req, _ := http.NewRequest("POST", p.Base+"/api/v1/events", strings.NewReader(strings.Join(lines, "\n")+"\n"))
	req.Header.Set("Authorization", "Bearer "+crashToken)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := crashClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	var got struct {
		Accepted int `json:"accepted"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		return 0, err
	}
	return got.Accepted, nil
}

type crashStats struct {
	EventsStored    uint64           `json:"events_stored"`
	EventsProcessed uint64           `json:"events_processed"`
	LogPosition     uint64           `json:"log_position"`
	StorePosition   uint64           `json:"store_position"`
	EventsIn        map[string]int64 `json:"events_in"` // durable events per listener since start
}

type crashAlert struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

// caughtUp waits until the service has processed every stored event, and
// returns its alerts.
func (p *vigilProc) caughtUp(t *testing.T) (crashStats, []crashAlert) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var st, last crashStats
	for {
		// Caught up: the detector and the event store have every record in
		// the log, and the log has not grown since the last look (a
		// listener may still hold a batch for up to its batch delay).
		err := p.get("/api/v1/stats", &st)
		if err == nil && st.EventsProcessed == st.LogPosition && st.StorePosition == st.LogPosition &&
			st.EventsStored == st.LogPosition && st.LogPosition == last.LogPosition {
			break
		}
		last = st
		if time.Now().After(deadline) {
			t.Fatalf("service did not catch up: %+v, %v\n%s", st, err, p.Stderr)
		}
		time.Sleep(300 * time.Millisecond)
	}
	var got struct {
		Alerts []crashAlert `json:"alerts"`
	}
	if err := p.get("/api/v1/alerts?limit=10000", &got); err != nil {
		t.Fatal(err)
	}
	return st, got.Alerts
}

// crashEvent is a WannaCry service install (a rule no correlation uses, so
// alerts depend only on deduplication) on one of eight hosts, a second
// apart in event time per record.
func crashEvent(rec uint64) string {
	at := time.Date(2017, 5, 12, 11, 0, 0, 0, time.UTC).Add(time.Duration(rec) * time.Second)
	return fmt.Sprintf(`{"Channel":"System","EventID":7045,"Provider_Name":"Service Control Manager","Computer":"WS-%02d.nht.example","EventRecordID":%d,"TimeCreated":%q,"ServiceName":"mssecsvc2.0","ImagePath":"C:\\WINDOWS\\mssecsvc.exe -m security","ServiceType":"user mode service","StartType":"auto start","AccountName":"LocalSystem"}`,
		rec%8, rec, at.Format(time.RFC3339Nano))
}

// TestCrashLosesNothing streams events into `vigil serve` over HTTP NDJSON
// (three senders) and syslog TCP (one sender) at the same time, and kills
// it with SIGKILL at random moments, restarting it on the same data folder.
// Every acknowledged event must be in the log exactly once, no event may
// be in it twice, and the alerts must be those of one uninterrupted run
// over the same log: no alert lost, none raised twice, every count exact.
// An HTTP event is acknowledged by the service's answer; syslog has no
// acknowledgement, so syslogSender defines one from the service's counts.
func TestCrashLosesNothing(t *testing.T) {
	bin := buildVigil(t)
	data := t.TempDir()
	tcp := sharedtest.FreeTCPAddr(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))

	var (
		nextRec    atomic.Uint64
		acked      sync.Map // record → true
		ackedCount atomic.Int64
		unknown    atomic.Int64 // events sent whose fate is not known (killed mid-request)
		current    atomic.Pointer[vigilProc]
		tcpSender  syslogSender
	)
	current.Store(startVigil(t, bin, data, tcp))
	ctx, stopSenders := context.WithCancel(context.Background())
	var senders sync.WaitGroup
	for range 3 {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for ctx.Err() == nil {
				p := current.Load()
				recs := make([]uint64, 25)
				lines := make([]string, len(recs))
				for i := range recs {
					recs[i] = nextRec.Add(1)
					lines[i] = crashEvent(recs[i])
				}
				n, err := p.post(lines)
				if err != nil || n != len(lines) {
					unknown.Add(int64(len(lines)))
					time.Sleep(20 * time.Millisecond) // the service is down or busy: wait for the next one
					continue
				}
				for _, r := range recs {
					acked.Store(r, true)
				}
				ackedCount.Add(int64(n))
			}
		}()
	}
	senders.Go(func() { tcpSender.run(ctx, &current) })

	// progress waits until both transports had events acknowledged by the
	// process started last.
	progress := func(what string) {
		http, syslog := ackedCount.Load(), tcpSender.ackedCount.Load()
		waitUntil(t, what, func() bool {
			return ackedCount.Load() > http+100 && tcpSender.ackedCount.Load() >= syslog+2*syslogBatch
		})
	}
	for i := range 3 {
		// Kill once some events were acknowledged since the last start, at a
		// random moment after that.
		progress("events to be acknowledged")
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
		current.Load().kill(t)
		t.Logf("kill %d: %d HTTP and %d syslog events acknowledged so far", i+1, ackedCount.Load(), tcpSender.ackedCount.Load())
		// A fresh syslog port per process: a sender still holding the
		// killed process must not reach its successor on the same port,
		// whose count would then include a batch it does not know of.
		current.Store(startVigil(t, bin, data, sharedtest.FreeTCPAddr(t)))
	}
	progress("events after the last restart")
	stopSenders()
	senders.Wait()

	p := current.Load()
	st, alerts := p.caughtUp(t)
	p.stop(t)
	total := ackedCount.Load() + tcpSender.ackedCount.Load()
	sent := total + unknown.Load() + tcpSender.unknown.Load()
	t.Logf("acknowledged %d HTTP and %d syslog, unknown %d HTTP and %d syslog, stored %d, alerts %d",
		ackedCount.Load(), tcpSender.ackedCount.Load(), unknown.Load(), tcpSender.unknown.Load(), st.EventsStored, len(alerts))

	logged := readLogRecords(t, filepath.Join(data, "wal"))
	if uint64(len(logged)) != st.EventsStored {
		t.Errorf("the log holds %d events, stats say %d", len(logged), st.EventsStored)
	}
	seen := map[logEntry]bool{}
	var httpRecs []uint64
	for _, e := range logged {
		if seen[e] {
			t.Errorf("%s is in the log twice", e)
		}
		seen[e] = true
		if !e.syslog {
			httpRecs = append(httpRecs, e.id)
		}
	}
	for _, m := range []struct {
		name   string
		syslog bool
		acked  *sync.Map
	}{{"HTTP", false, &acked}, {"syslog", true, &tcpSender.acked}} {
		var lost int
		m.acked.Range(func(k, _ any) bool {
			if !seen[logEntry{syslog: m.syslog, id: k.(uint64)}] {
				lost++
			}
			return true
		})
		if lost > 0 {
			t.Errorf("%d acknowledged %s events are not in the log", lost, m.name)
		}
	}
	if st.EventsStored < uint64(total) || st.EventsStored > uint64(sent) {
		t.Errorf("events_stored %d: want between %d acknowledged and %d sent", st.EventsStored, total, sent)
	}

	// The syslog events match none of Vigil's own rules (they are Linux
	// logs), so the HTTP events alone give the alerts.
	ids := map[string]int{}
	for _, a := range alerts {
		if _, dup := ids[a.ID]; dup {
			t.Errorf("alert %s listed twice", a.ID)
		}
		ids[a.ID] = a.Count
	}
	want := referenceAlerts(t, bin, httpRecs)
	if len(want) != len(ids) {
		t.Errorf("%d alerts after the crashes, %d in an uninterrupted run", len(ids), len(want))
	}
	for id, n := range want {
		if ids[id] != n {
			t.Errorf("alert %s: count %d after the crashes, %d in an uninterrupted run", id, ids[id], n)
		}
	}
}

// referenceAlerts runs a fresh service over the same events in the same
// order, without interruption, and returns its alerts' counts by id.
func referenceAlerts(t *testing.T, bin string, recs []uint64) map[string]int {
	t.Helper()
	p := startVigil(t, bin, t.TempDir(), "")
	defer p.stop(t)
	for len(recs) > 0 {
		n := min(len(recs), 500)
		lines := make([]string, n)
		for i, r := range recs[:n] {
			lines[i] = crashEvent(r)
		}
		if got, err := p.post(lines); err != nil || got != n {
			t.Fatalf("reference run: accepted %d of %d: %v", got, n, err)
		}
		recs = recs[n:]
	}
	_, alerts := p.caughtUp(t)
	out := map[string]int{}
	for _, a := range alerts {
		out[a.ID] = a.Count
	}
	return out
}

// logEntry identifies an event of the crash test in the log: an HTTP
// event by its EventRecordID, a syslog event by the sequence number in its
// message.
type logEntry struct {
	syslog bool
	id     uint64
}

func (e logEntry) String() string {
	if e.syslog {
		return fmt.Sprintf("syslog message %d", e.id)
	}
	return fmt.Sprintf("HTTP event %d", e.id)
}

// readLogRecords returns the events in the log, in log order.
func readLogRecords(t *testing.T, dir string) []logEntry {
	t.Helper()
	l, err := wal.Open(dir, wal.Options{})
	if err != nil {
		t.Fatalf("open the log: %v", err)
	}
	defer l.Close()
	var out []logEntry
	var ev event.Event
	err = l.Read(0, func(seq uint64, rec []byte) error {
		if err := ev.UnmarshalBinary(rec); err != nil {
			return fmt.Errorf("record %d: %w", seq, err)
		}
		if !strings.HasPrefix(ev.Source, "syslog/") {
			out = append(out, logEntry{id: ev.Record})
			return nil
		}
		n, err := syslogSeq(&ev)
		if err != nil {
			return fmt.Errorf("record %d: %w", seq, err)
		}
		out = append(out, logEntry{syslog: true, id: n})
		return nil
	})
	if err != nil {
		t.Fatalf("read the log: %v", err)
	}
	return out
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
