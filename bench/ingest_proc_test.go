package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

const ingestToken = "ingest-bench-token"

// service is a `vigil serve` child process with syslog TCP on and a
// webhook notification target.
type service struct {
	*sharedtest.Serve
	tcp string // syslog TCP address
}

// serviceOptions say how to start the service.
type serviceOptions struct {
	bin, data string
	rules     []string // --rules paths
	webhook   string   // URL the alerts are POSTed to
	profile   string   // --cpuprofile file; "" for none
}

// startService writes the configuration, starts `vigil serve` and waits
// for its address and for /readyz.
func startService(tb testing.TB, o serviceOptions) *service {
	tb.Helper()
	tcp := sharedtest.FreeTCPAddr(tb)
	cfg := filepath.Join(o.data, "..", filepath.Base(o.data)+".yaml")
	yaml := fmt.Sprintf("syslog:\n  tcp: %q\nnotify:\n  min_level: high\n  webhooks:\n    - url: %q\n", tcp, o.webhook)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		tb.Fatal(err)
	}
	args := []string{"serve", "--data", o.data, "--http", "127.0.0.1:0", "--config", cfg}
	for _, r := range o.rules {
		args = append(args, "--rules", r)
	}
	if o.profile != "" {
		args = append(args, "--cpuprofile", o.profile)
	}
	cmd := exec.Command(o.bin, args...)
	cmd.Env = append(os.Environ(), "VIGIL_ADMIN_TOKEN="+ingestToken)
	s := &service{Serve: sharedtest.StartServe(tb, cmd, 2*time.Minute), tcp: tcp}
	s.waitReady(tb)
	return s
}

func (s *service) waitReady(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(s.Base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("vigil serve not ready within two minutes: %v\n%s", err, s.Stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop asks for a graceful shutdown (which writes the CPU profile) and
// waits for it.
func (s *service) stop(tb testing.TB) {
	tb.Helper()
	s.Stop(tb, 2*time.Minute)
}

// ingestStats is the part of GET /api/v1/stats the benchmark reads. The
// log and store positions are pointers because older services lack them:
// then events_stored is the log's position and stands in for both.
type ingestStats struct {
	EventsStored    uint64           `json:"events_stored"`
	EventsProcessed uint64           `json:"events_processed"`
	LogPosition     *uint64          `json:"log_position"`
	StorePosition   *uint64          `json:"store_position"`
	EventsIn        map[string]int64 `json:"events_in"`
	Alerts          int              `json:"alerts"`
	Quarantined     int64            `json:"quarantined"`
}

// durable is how many events are on disk in the log.
func (st ingestStats) durable() uint64 {
	if st.LogPosition != nil {
		return *st.LogPosition
	}
	return st.EventsStored
}

// stored is how many events the event store holds.
func (st ingestStats) stored() uint64 {
	if st.StorePosition != nil {
		return *st.StorePosition
	}
	return st.EventsStored
}

var benchClient = &http.Client{Timeout: time.Minute}

func (s *service) stats() (ingestStats, error) {
	var st ingestStats
	req, _ := http.NewRequest("GET", s.Base+"/api/v1/stats", nil)
	req.Header.Set("Authorization", "Bearer "+ingestToken)
	resp, err := benchClient.Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("GET /api/v1/stats: status %d", resp.StatusCode)
	}
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// procUsage is what the kernel accounts for a process.
type procUsage struct {
	peakRSS int64         // VmHWM, bytes
	cpu     time.Duration // user + system time
}

// usage reads VmHWM from /proc/PID/status and utime+stime from
// /proc/PID/stat (in clock ticks of 1/100 s, the value on Linux).
func (s *service) usage() (procUsage, error) {
	var u procUsage
	pid := s.Cmd.Process.Pid
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, err
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return u, fmt.Errorf("/proc/%d/status VmHWM %q: %w", pid, v, err)
			}
			u.peakRSS = kb << 10
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, err
	}
	// Fields after the command name, which is in parentheses and may
	// hold spaces: state is field 3, utime 14 and stime 15.
	rest := stat[bytes.LastIndexByte(stat, ')')+2:]
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return u, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return u, fmt.Errorf("/proc/%d/stat utime %q stime %q", pid, f[11], f[12])
	}
	u.cpu = time.Duration(ut+st) * 10 * time.Millisecond
	return u, nil
}

// alertSink is the webhook target: it notes when the first alert of each
// latency marker's host arrives.
type alertSink struct {
	srv     *http.Server
	url     string
	mu      sync.Mutex
	arrived map[int]time.Time // marker → first alert's arrival
	total   int               // notifications received
}

func startAlertSink(tb testing.TB) *alertSink {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	a := &alertSink{url: "http://" + ln.Addr().String() + "/hook", arrived: map[int]time.Time{}}
	a.srv = &http.Server{Handler: http.HandlerFunc(a.serveHTTP)}
	go a.srv.Serve(ln)
	tb.Cleanup(func() { a.srv.Close() })
	return a
}

func (a *alertSink) serveHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	var body struct {
		Alert struct {
			Host string `json:"host"`
		} `json:"alert"`
	}
	err := json.NewDecoder(r.Body).Decode(&body)
	a.mu.Lock()
	a.total++
	if i := markerIndex(body.Alert.Host); err == nil && i >= 0 {
		if _, seen := a.arrived[i]; !seen {
			a.arrived[i] = at
		}
	}
	a.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// reset forgets what arrived, between runs.
func (a *alertSink) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.arrived = map[int]time.Time{}
	a.total = 0
}

// latencies returns, for each marker sent, the time from its send to its
// alert's arrival, and how many markers have had no alert.
func (a *alertSink) latencies(sent []time.Time) (lat []time.Duration, missing int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, s := range sent {
		at, ok := a.arrived[i]
		if !ok {
			missing++
			continue
		}
		lat = append(lat, at.Sub(s))
	}
	return lat, missing
}
