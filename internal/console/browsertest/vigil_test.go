package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/oidc"
	"github.com/vigilhealth/vigil/internal/auth/oidc/fakeidp"
	"github.com/vigilhealth/vigil/internal/serve"
	"github.com/vigilhealth/vigil/internal/sim"
)

// Accounts and secrets of the tests; the password is shared.
const (
	password     = "correct horse battery staple"
	adminToken   = "browsertest-admin-token-0123456789"
	oidcClient   = "vigil-console"
	oidcSecret   = "browsertest-oidc-secret"
	oidcAnalysts = "vigil-analysts" // the provider's group that maps to analyst
	attackName   = "wannacry"
	trustSeed    = 7
	background   = 10 * time.Minute // of the trust's ordinary traffic before the attack
)

// people are the local accounts, one per role a person may have.
var people = map[string]auth.Role{
	"ana.lyst":     auth.RoleAnalyst,
	"priya.vacy":   auth.RolePrivacyOfficer,
	"bo.ard":       auth.RoleBoard,
	"adam.inistra": auth.RoleAdmin,
}

// vigil is a running service on the demo trust's traffic.
type vigil struct {
	base string // http://127.0.0.1:PORT
	data string
	idp  *fakeidp.Provider // the OpenID provider the console may log in with
	stop func() error
}

// The one service the tests share: starting it and playing the trust
// into it takes a while, and no test changes what another looks at
// (each closes its own incident, opens its own case).
var (
	shared     *vigil
	sharedErr  error
	sharedOnce sync.Once
)

// TestMain stops the shared service after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "Vigil stopped with:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// sharedVigil starts the shared service on first use.
func sharedVigil(t *testing.T) *vigil {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = startVigil() })
	if sharedErr != nil {
		t.Fatalf("start Vigil: %v", sharedErr)
	}
	return shared
}

// startVigil starts the service in this process, as the demo does: with
// a syslog and an MLLP listener for the simulated trust, the local
// accounts, and an OpenID provider of the tests' own (standing in for
// NHS CIS2, which does not run here). It then plays ten minutes of the
// trust's ordinary traffic and one attack, all timed in the recent past
// so that they are sent at once, and waits until the attack's incident
// is there.
func startVigil() (*vigil, error) {
	data, err := os.MkdirTemp("", "vigil-browsertest-")
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	v := &vigil{data: data, base: "http://" + addr, idp: fakeidp.New(oidcClient, oidcSecret)}
	cfg := serve.DefaultConfig()
	cfg.Data, cfg.HTTP, cfg.AdminToken = data, addr, adminToken
	cfg.Syslog = serve.SyslogConfig{TCP: "127.0.0.1:0"}
	cfg.HL7 = serve.HL7Config{MLLP: "127.0.0.1:0"}
	cfg.Privacy.Every = time.Second // the first analysis of record accesses comes at once
	if cfg.OIDC, err = v.oidcConfig(); err != nil {
		return nil, err
	}
	if err := addPeople(data); err != nil {
		return nil, err
	}
	svc, err := serve.New(cfg, nil)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	v.stop = func() error {
		cancel()
		err := <-done
		v.idp.Close()
		return errors.Join(err, os.RemoveAll(data))
	}
	if err := playTrust(svc); err != nil {
		return nil, errors.Join(err, v.stop())
	}
	if err := v.waitFor("the attack's incident", func() bool { return len(v.list("/api/v1/incidents", "incidents")) > 0 }); err != nil {
		return nil, errors.Join(err, v.stop())
	}
	return v, nil
}

// oidcConfig logs in through the test provider, its analysts group as
// analyst; the client secret is in a file, as in production.
func (v *vigil) oidcConfig() (serve.OIDCConfig, error) {
	secret := filepath.Join(v.data, "oidc-secret")
	err := os.WriteFile(secret, []byte(oidcSecret+"\n"), 0o600)
	return serve.OIDCConfig{Issuer: v.idp.URL, ClientID: oidcClient, ClientSecretFile: secret,
		RedirectURL: v.base + oidc.CallbackPath, RoleClaim: "groups",
		Roles: map[string]string{oidcAnalysts: string(auth.RoleAnalyst)}}, err
}

// addPeople creates the local accounts, as vigil user add does.
func addPeople(data string) error {
	users := auth.OpenUsers(data, auth.DefaultArgon2)
	for name, role := range people {
		if err := users.Add(name, role, password, false); err != nil {
			return fmt.Errorf("add user %s: %w", name, err)
		}
	}
	return nil
}

// playTrust sends the trust's ordinary traffic and the attack, timed so
// that they end now and are all sent at once.
func playTrust(svc *serve.Service) error {
	trust := sim.NewTrust(trustSeed)
	now := time.Now()
	probe, err := trust.Scenario(attackName, now, 1)
	if err != nil {
		return err
	}
	sc, err := trust.Scenario(attackName, now.Add(-probe.End().Sub(probe.Start)-time.Minute), 1)
	if err != nil {
		return err
	}
	_, tcp, _ := svc.SyslogAddrs()
	mllp, _ := svc.MLLPAddrs()
	p := &sim.Player{URL: svc.APIURL(), Token: adminToken, SyslogTCP: tcp.String(), MLLP: mllp.String()}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.Play(ctx, trust.Background(now.Add(-background), background, 20)); err != nil {
		return fmt.Errorf("play the trust's traffic: %w", err)
	}
	if err := p.Play(ctx, slices.Values(sc.Events())); err != nil {
		return fmt.Errorf("play %s: %w", attackName, err)
	}
	return nil
}

// list GETs an API list with the admin token and returns its items (none
// when the call fails).
func (v *vigil) list(route, key string) []map[string]any {
	req, _ := http.NewRequest("GET", v.base+route, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var body map[string][]map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return body[key]
}

// waitFor polls cond until it holds, for a minute at most.
func (v *vigil) waitFor(what string, cond func() bool) error {
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("waited a minute for %s", what)
		}
		time.Sleep(50 * time.Millisecond) // polling a condition, not guessing at a delay
	}
	return nil
}

// freeAddr is a loopback address whose port was free a moment ago: the
// OpenID redirect URL must name it before the service binds it.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
