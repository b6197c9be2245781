package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/serve"
	"github.com/vigilhealth/vigil/internal/sim"
	"github.com/vigilhealth/vigil/internal/wait"
)

// demoHTTP is the demo's preferred API address; a variable so that the test
// can occupy it and see the fallback.
var demoHTTP = "127.0.0.1:8443"

// Demo pacing: background events a second, the pause between two scenario
// runs, and how often the summary line is printed.
const (
	demoRate     = 20
	demoPause    = 30 * time.Second
	demoInterval = 5 * time.Second
)

// demoOptions are the demo's flags.
type demoOptions struct {
	data, httpAddr, scenario string
	speed                    float64
	duration                 time.Duration
	seed                     int64
	httpGiven                bool
}

// demoCmd runs the live service on a simulated NHS trust and plays attack
// scenarios into it, printing where to look and a live summary.
func demoCmd(args []string, stdout, stderr io.Writer) error {
	o, err := parseDemo(args, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runDemo(ctx, o, stdout, stderr)
}

func parseDemo(args []string, stderr io.Writer) (demoOptions, error) {
	var o demoOptions
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.data, "data", "", "data folder (default: a temporary folder, removed at the end)")
	fs.StringVar(&o.httpAddr, "http", demoHTTP, "API listen address (a free port is used if this one is busy and --http is not given)")
	fs.StringVar(&o.scenario, "scenario", "all", "attack to play: "+strings.Join(sim.Scenarios(), ", ")+" or all")
	fs.Float64Var(&o.speed, "speed", 20, "how many times faster than real time the attacks run")
	fs.DurationVar(&o.duration, "duration", 0, "stop after this long (default: run until Ctrl-C)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the simulated trust's traffic")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vigil demo [--data DIR] [--http ADDR] [--scenario NAME|all] [--speed X] [--duration D] [--seed N]\n\nRun Vigil on a simulated NHS trust under attack.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, usageErr("unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { o.httpGiven = o.httpGiven || f.Name == "http" })
	if o.scenario != "all" && !slices.Contains(sim.Scenarios(), o.scenario) {
		return o, usageErr("--scenario %q: choose one of %s or all", o.scenario, strings.Join(sim.Scenarios(), ", "))
	}
	if o.speed <= 0 {
		return o, usageErr("--speed %v: must be more than 0", o.speed)
	}
	if o.duration < 0 {
		return o, usageErr("--duration %v: must not be negative", o.duration)
	}
	return o, nil
}

// runDemo starts the service, plays the trust into it until ctx ends, and
// shuts everything down.
func runDemo(ctx context.Context, o demoOptions, stdout, stderr io.Writer) error {
	if o.data == "" {
		dir, err := os.MkdirTemp("", "vigil-demo-")
		if err != nil {
			return fmt.Errorf("demo data folder: %w", err)
		}
		defer os.RemoveAll(dir)
		o.data = dir
	}
	if !o.httpGiven && !addrFree(o.httpAddr) {
		fmt.Fprintf(stdout, "%s is busy; using a free port instead.\n", o.httpAddr)
		o.httpAddr = "127.0.0.1:0"
	}
	cfg := serve.DefaultConfig()
	if err := cfg.ApplyEnv(os.Getenv); err != nil {
		return err
	}
	cfg.Data, cfg.HTTP, cfg.Syslog = o.data, o.httpAddr, serve.SyslogConfig{TCP: "127.0.0.1:0"}
	cfg.HL7 = serve.HL7Config{MLLP: "127.0.0.1:0"} // the PAS's ADT feed
	svc, err := serve.New(cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	svcCtx, stopSvc := context.WithCancel(context.Background())
	svcDone := make(chan error, 1)
	go func() { svcDone <- svc.Run(svcCtx) }()

	token, err := demoToken(cfg, svc)
	if err != nil {
		stopSvc()
		return errors.Join(err, <-svcDone)
	}
	_, tcp, _ := svc.SyslogAddrs()
	mllp, _ := svc.MLLPAddrs()
	base := svc.APIURL()
	printWhere(stdout, base, mllp.String(), svc.TokenPath(), o)
	if err := printConsoleLogin(stdout, base, o.data); err != nil {
		stopSvc()
		return errors.Join(err, <-svcDone)
	}
	if o.duration > 0 { // the time played, not the start-up's (loading the rules)
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	p := &sim.Player{URL: base, Token: token, SyslogTCP: tcp.String(), MLLP: mllp.String()}
	playErr := playDemo(ctx, o, p, stdout, base, token)
	p.Close()
	stopSvc()
	runErr := <-svcDone
	fmt.Fprintln(stdout, "Vigil demo stopped.")
	return errors.Join(playErr, runErr)
}

// addrFree reports whether addr can be listened on now.
func addrFree(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// demoToken is the admin token the player sends: the configured one, or the
// one the service generated in its data folder.
func demoToken(cfg serve.Config, svc *serve.Service) (string, error) {
	if cfg.AdminToken != "" {
		return cfg.AdminToken, nil
	}
	data, err := os.ReadFile(svc.TokenPath())
	if err != nil {
		return "", fmt.Errorf("read the admin token: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

func printWhere(w io.Writer, base, mllp, tokenPath string, o demoOptions) {
	fmt.Fprintf(w, "Vigil demo: a simulated NHS trust (seed %d) under attack (%s, speed %gx).\n", o.seed, o.scenario, o.speed)
	fmt.Fprintf(w, "Vigil is listening on %s (data in %s)\n", base, o.data)
	fmt.Fprintf(w, "  alerts:    %s/api/v1/alerts\n  incidents: %s/api/v1/incidents\n  stats:     %s/api/v1/stats\n", base, base, base)
	fmt.Fprintf(w, "  FHIR:      %s/fhir/AuditEvent (the EPR's audit trail)\n  HL7 v2:    MLLP on %s (the PAS's ADT feed)\n", base, mllp)
	tokenArg := "$VIGIL_ADMIN_TOKEN"
	if tokenPath != "" {
		fmt.Fprintf(w, "Admin token: in %s\n", tokenPath)
		tokenArg = "$(cat " + tokenPath + ")"
	} else {
		fmt.Fprintln(w, "Admin token: as configured (VIGIL_ADMIN_TOKEN)")
	}
	fmt.Fprintf(w, "Try:  curl -H \"Authorization: Bearer %s\" %s/api/v1/incidents\n", tokenArg, base)
	if o.duration > 0 {
		fmt.Fprintf(w, "Running for %s.\n", o.duration)
	} else {
		fmt.Fprintln(w, "Press Ctrl-C to stop.")
	}
}

// demoAdmin is the console account the demo makes on its first run.
const demoAdmin = "admin"

// printConsoleLogin makes the demo's admin account on the first run in
// its data folder, with a random password, and says how to log in to the
// console; on a later run the account is kept, and the reset is shown.
func printConsoleLogin(w io.Writer, base, data string) error {
	users := auth.OpenUsers(data, auth.DefaultArgon2)
	exists, err := users.Exists(demoAdmin)
	if err != nil {
		return fmt.Errorf("demo: read the console accounts: %w", err)
	}
	if exists {
		fmt.Fprintf(w, "Console: %s/ — log in as %s with the password made on the first run (to set a new one: vigil user add --data %s --name %s --role admin --replace)\n", base, demoAdmin, data, demoAdmin)
		return nil
	}
	var b [15]byte
	rand.Read(b[:])
	password := base32.StdEncoding.EncodeToString(b[:])
	if err := users.Add(demoAdmin, auth.RoleAdmin, password, false); err != nil {
		return fmt.Errorf("demo: make the console account: %w", err)
	}
	fmt.Fprintf(w, "Console: %s/ — log in as %s with password %s\n", base, demoAdmin, password)
	return nil
}

// playDemo runs the background, the scenarios and the summary line until
// ctx ends. Errors after ctx ended are the shutdown's, not failures.
func playDemo(ctx context.Context, o demoOptions, p *sim.Player, stdout io.Writer, base, token string) error {
	trust := sim.NewTrust(o.seed)
	var mu sync.Mutex // one writer of stdout at a time
	say := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stdout, format, a...)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() { errs <- playBackground(ctx, trust, p) })
	wg.Go(func() { errs <- playScenarios(ctx, trust, p, o, say) })
	interval := demoInterval
	if o.duration > 0 && o.duration < 2*interval {
		interval = o.duration / 3
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	client := &http.Client{Timeout: 5 * time.Second}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			say("%s\n", summaryLine(client, base, token, p))
		}
	}
	wg.Wait()
	close(errs)
	say("%s\n", summaryLine(client, base, token, p))
	var all []error
	for err := range errs {
		if err != nil && ctx.Err() == nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// playBackground sends the trust's ordinary traffic, a minute at a time.
func playBackground(ctx context.Context, trust *sim.Trust, p *sim.Player) error {
	start := time.Now()
	for ctx.Err() == nil {
		if err := p.Play(ctx, trust.Background(start, time.Minute, demoRate)); err != nil {
			return err
		}
		start = start.Add(time.Minute)
	}
	return nil
}

// playScenarios plays the chosen attacks one after another, with a pause
// between them, and again from the first until ctx ends.
func playScenarios(ctx context.Context, trust *sim.Trust, p *sim.Player, o demoOptions, say func(string, ...any)) error {
	names := sim.Scenarios()
	if o.scenario != "all" {
		names = []string{o.scenario}
	}
	for ctx.Err() == nil {
		for _, name := range names {
			sc, err := trust.Scenario(name, time.Now().Add(2*time.Second), o.speed)
			if err != nil {
				return err
			}
			say("Attack: %s, %d stages over %s\n", sc.Title, len(sc.Stages), sc.End().Sub(sc.Start).Round(time.Second))
			if err := p.Play(ctx, slices.Values(sc.Events())); err != nil {
				return err
			}
			if err := wait.Sleep(ctx, demoPause); err != nil {
				return nil
			}
		}
	}
	return nil
}

// summaryLine asks the API for the counts and renders one line.
func summaryLine(client *http.Client, base, token string, p *sim.Player) string {
	var st serve.Stats
	var al struct {
		Alerts []struct {
			Level string `json:"level"`
		} `json:"alerts"`
	}
	var inc struct {
		Incidents []struct {
			MergedInto string `json:"merged_into"`
		} `json:"incidents"`
	}
	for _, q := range []struct {
		route string
		out   any
	}{{"/api/v1/stats", &st}, {"/api/v1/alerts?limit=10000", &al}, {"/api/v1/incidents?limit=10000", &inc}} {
		if err := getJSON(client, base+q.route, token, q.out); err != nil {
			return fmt.Sprintf("%s  sent %d events; API not answering: %v", time.Now().Format("15:04:05"), p.Sent()+p.SyslogSent(), err)
		}
	}
	levels := map[string]int{}
	for _, a := range al.Alerts {
		levels[a.Level]++
	}
	var parts []string
	for _, l := range []string{"critical", "high", "medium", "low", "informational"} {
		if levels[l] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", l, levels[l]))
		}
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	incidents := 0 // an incident merged into another is counted in that one
	for _, i := range inc.Incidents {
		if i.MergedInto == "" {
			incidents++
		}
	}
	return fmt.Sprintf("%s  sent %d events (%d by syslog), stored %d; alerts: %s; incidents %d",
		time.Now().Format("15:04:05"), p.Sent()+p.SyslogSent(), p.SyslogSent(), st.EventsStored, strings.Join(parts, ", "), incidents)
}

func getJSON(client *http.Client, url, token string, out any) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
