package scaletest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/serve"
	"github.com/vigilhealth/vigil/internal/sim"
)

// sprayRuleID is the rule pack's "Twenty Failed Logons For One Account
// Within 10 Minutes", an event_count over failed logons grouped by
// TargetUserName alone: re-keyed on detect nodes.
const sprayRuleID = "dcc9e175-7e74-4d92-a7d5-3bde54a9d8c0"

// sprayed are the accounts the test's password sprays fail on, and how
// many failures each gets: 60 (three alerts' worth), 25 (one) and 10
// (none).
var sprayed = []struct {
	account  string
	failures int
	at       time.Duration // after the start of the traffic
}{{"spray.jsmith", 60, 5 * time.Minute}, {"spray.akhan", 25, 18 * time.Minute}, {"spray.mlee", 10, 24 * time.Minute}}

// sprayBody is one batch of the spray test and how many failed logons it
// holds (each is one message of the key stream).
type sprayBody struct {
	body   []byte
	failed int
}

// sprayBatches are half an hour of the demo trust's ordinary traffic with
// three password sprays, each failure on the next of twelve hosts in
// turn, as NDJSON bodies. A batch ends after each spray failure, so that
// the test can let the key stream take the failures in time order: the
// alert of a user-grouped correlation names the host of the event that
// completed it, as in the single process.
func sprayBatches(t *testing.T) (bodies []sprayBody, hosts []string) {
	t.Helper()
	trust := sim.NewTrust(11)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var evs []sim.Event
	for ev := range trust.Background(start, 30*time.Minute, 2) {
		if ev.FHIR == nil {
			evs = append(evs, ev)
		}
	}
	for _, h := range trust.Hosts[:12] {
		hosts = append(hosts, h.FQDN())
	}
	record := 9_000_000
	for _, s := range sprayed {
		for i := range s.failures {
			h := hosts[i%len(hosts)]
			record++
			evs = append(evs, sim.Event{Time: start.Add(s.at + time.Duration(i)*7*time.Second), Host: h, Fields: map[string]any{
				"Channel": "Security", "Provider_Name": "Microsoft-Windows-Security-Auditing", "EventID": 4625,
				"Computer": h, "EventRecordID": record, "TargetUserName": s.account, "TargetDomainName": sim.NetBIOS,
				"LogonType": 3, "Status": "0xc000006d", "SubStatus": "0xc000006a", "IpAddress": "10.20.0.99",
			}})
		}
	}
	slices.SortStableFunc(evs, func(a, b sim.Event) int { return a.Time.Compare(b.Time) })
	var cur sprayBody
	n := 0
	for _, ev := range evs {
		line, err := ev.JSON()
		if err != nil {
			t.Fatal(err)
		}
		cur.body = append(append(cur.body, line...), '\n')
		n++
		if bytes.Contains(line, []byte(`"EventID":4625`)) {
			cur.failed++
		}
		if n == batchSize || bytes.Contains(line, []byte(`"spray.`)) {
			bodies, cur, n = append(bodies, cur), sprayBody{}, 0
		}
	}
	if n > 0 {
		bodies = append(bodies, cur)
	}
	return bodies, hosts
}

// TestUserCorrelationAcrossPartitions: failed logons of one account spread
// over hosts in different partitions, detected by two detect nodes (one
// killed a third of the way through), give the user-grouped correlation's
// alerts the single process gives, none lost and none counted twice, and
// every other alert too; the key stream holds each failed logon once.
func TestUserCorrelationAcrossPartitions(t *testing.T) {
	d := newDeployment(t)
	bodies, hosts := sprayBatches(t)
	parts := map[int]bool{}
	for _, h := range hosts {
		parts[bus.PartitionOf(h, partitions)] = true
	}
	if len(parts) < 3 {
		t.Fatalf("the spray's hosts fall in %d partitions, want several", len(parts))
	}
	plain := make([][]byte, len(bodies))
	for i, b := range bodies {
		plain[i] = b.body
	}
	want, accepted := referenceOf(t, d, plain)
	for _, s := range sprayed[:2] {
		if !strings.Contains(want, sprayRuleID) || !strings.Contains(want, "key=TargetUserName="+s.account) {
			t.Fatalf("the embedded service raised no spray alert for %s:\n%s", s.account, want)
		}
	}
	if strings.Contains(want, "key=TargetUserName="+sprayed[2].account) {
		t.Fatalf("the embedded service raised a spray alert for %s's %d failures", sprayed[2].account, sprayed[2].failures)
	}
	ingest := d.startNode(serve.RoleIngest)
	api := d.startNode(serve.RoleAPI)
	victim := d.startDetect("det-1")
	d.startDetect("det-2")
	d.waitForShares(t)
	got, failed := 0, 0
	for i, b := range bodies {
		if i == len(bodies)/3 {
			victim.kill()
		}
		got += send(t, ingest.base, b.body)
		if b.failed > 0 {
			failed += b.failed
			waitFor(t, 2*time.Minute, fmt.Sprintf("the key stream to hold %d failed logons", failed), func() bool {
				return d.keyStreamMsgs(t) >= uint64(failed)
			})
		}
	}
	if got != accepted {
		t.Fatalf("the ingest node accepted %d events, the embedded service %d", got, accepted)
	}
	waitForAlerts(t, api.base, want, settle)
	if n := d.keyStreamMsgs(t); n != uint64(failed) {
		t.Errorf("the key stream holds %d messages, %d failed logons were sent", n, failed)
	}
}

// keyStreamMsgs is how many messages the key pass's stream holds.
func (d *deployment) keyStreamMsgs(t *testing.T) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := d.connect(t).Stream(ctx, bus.DefaultStream+"_CORR")
	if err != nil {
		return 0 // not created until a detect node starts
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("key stream: %v", err)
	}
	return info.State.Msgs
}
