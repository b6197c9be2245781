package sim

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"time"
)

// Stage is one step of an attack with its ground truth.
type Stage struct {
	Name   string
	At     time.Duration // offset from the scenario's start, at its speed
	Events []Event
	Expect []string // ids of the rules expected to fire on Events; none where the pack has no rule yet
	Note   string   // what the step is, and why nothing is expected where Expect is empty
}

// Scenario is one attack, ready to play.
type Scenario struct {
	Name   string
	Title  string
	Start  time.Time
	Speed  float64
	Stages []Stage
	// Incidents is how many incidents the attack's alerts form under
	// Vigil's grouping (same host, same real user, hosts reaching one
	// another, a shared artefact, within the incident window); Note on
	// the scenario says why.
	Incidents int
	Note      string
}

// Events returns every stage's events in time order.
func (s *Scenario) Events() []Event {
	var all []Event
	for _, st := range s.Stages {
		all = append(all, st.Events...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Time.Before(all[j].Time) })
	return all
}

// End is the time of the scenario's last event.
func (s *Scenario) End() time.Time {
	end := s.Start
	for _, ev := range s.Events() {
		if ev.Time.After(end) {
			end = ev.Time
		}
	}
	return end
}

// builders maps each scenario name to its builder.
var builders = map[string]func(b *builder) *Scenario{
	"wannacry": wannacry,
	"qilin":    qilin,
	"lockbit":  lockbit,
}

// Scenarios lists the scenario names, sorted.
func Scenarios() []string {
	names := make([]string, 0, len(builders))
	for n := range builders {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Scenario builds the named attack starting at start, its simulated time
// running speed times faster than real time (1 is real time; event times are
// start plus the compressed offsets, so a live service sees them as "now").
func (t *Trust) Scenario(name string, start time.Time, speed float64) (*Scenario, error) {
	build, ok := builders[name]
	if !ok {
		return nil, fmt.Errorf("unknown scenario %q (have %v)", name, Scenarios())
	}
	if speed <= 0 {
		return nil, fmt.Errorf("scenario %s: speed %v is not positive", name, speed)
	}
	sc := build(&builder{t: t, start: start, speed: speed})
	sc.Name, sc.Start, sc.Speed = name, start, speed
	return sc, nil
}

// builder turns simulated offsets into event times at the scenario's speed.
type builder struct {
	t     *Trust
	start time.Time
	speed float64
}

// at is the event time of simulated offset d.
func (b *builder) at(d time.Duration) time.Time {
	return b.start.Add(b.scale(d))
}

func (b *builder) scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) / b.speed)
}

// stage makes a stage at simulated offset d.
func (b *builder) stage(name string, d time.Duration, note string, expect []string, events ...Event) Stage {
	return Stage{Name: name, At: b.scale(d), Events: events, Expect: expect, Note: note}
}

// encrypt is an encryptor writing n encrypted files and a ransom note per
// folder on h from simulated offset d, one file every 200 ms.
func (b *builder) encrypt(h Host, d time.Duration, image, user string, pid int, n int, file func(i int) string, note func(i int) string) []Event {
	g := guid(uint64(pid)*7919+uint64(len(h.Name)), uint64(d))
	var evs []Event
	for i := range n {
		at := b.at(d + time.Duration(i)*200*time.Millisecond)
		evs = append(evs, b.t.fileEvent(at, h, image, g, pid, user, file(i)))
		if i%25 == 0 {
			evs = append(evs, b.t.fileEvent(at, h, image, g, pid, user, note(i)))
		}
	}
	return evs
}

// run is a process the attacker starts on h at simulated offset d.
func (b *builder) run(h Host, d time.Duration, user, image, cmd, parent string) Event {
	pid := 4000 + int(uint64(d/time.Second)%20000)
	return b.t.procEvent(b.at(d), h, proc{
		image: image, cmd: cmd, parent: parent, user: user,
		guid: guid(uint64(pid)<<16|uint64(len(h.Name)), uint64(d)^uint64(len(cmd))), pid: pid, integrity: "High",
	})
}

// logon is Security event 4624 on h for account from ip.
func (b *builder) logon(h Host, d time.Duration, account string, logonType int, ip string) Event {
	return b.t.win(b.at(d), h, chSecurity, 4624, map[string]any{
		"TargetUserName": account, "TargetDomainName": NetBIOS, "LogonType": logonType, "IpAddress": ip,
		"LogonProcessName": "NtLmSsp", "AuthenticationPackageName": "NTLM", "TargetLogonId": fmt.Sprintf("0x%x", 0x3e7000+int(d/time.Second)),
	})
}

// addr is h's IPv4 address on the trust's network: wards on 10.40.WARD.0/24,
// the PACS workstation beside them, servers on 10.20.0.0/24. Scenarios put
// it where a real event names a host by address.
func addr(h Host) string {
	var ward, pc int
	if n, _ := fmt.Sscanf(h.Name, "WARD%d-PC%d", &ward, &pc); n == 2 {
		return fmt.Sprintf("10.40.%d.%d", ward, 20+pc)
	}
	sum := 0
	for _, c := range h.Name {
		sum = (sum*31 + int(c)) % 200
	}
	if h.Kind == Workstation {
		return fmt.Sprintf("10.40.9.%d", 20+sum)
	}
	return fmt.Sprintf("10.20.0.%d", 10+sum)
}

// endpoint is how events name h: its address and FQDN, or, for an
// unmanaged device known only by its address, that address and no name.
func endpoint(h Host) (ip, name string) {
	if _, err := netip.ParseAddr(h.Name); err == nil {
		return h.Name, "-"
	}
	return addr(h), h.FQDN()
}

// connection is Sysmon event 3 on h for a TCP connection between h and
// peer on port, initiated by h (out) or by peer (in), with both ends'
// addresses and names as Sysmon resolves them.
func (b *builder) connection(h Host, d time.Duration, image, user string, out bool, peer Host, port int) Event {
	srcIP, srcName := endpoint(peer)
	dstIP, dstName := endpoint(h)
	if out {
		srcIP, srcName, dstIP, dstName = dstIP, dstName, srcIP, srcName
	}
	ephemeral := 49152 + int(uint64(d/time.Millisecond)%16000)
	return b.t.win(b.at(d), h, chSysmon, 3, map[string]any{
		"RuleName": "-", "ProcessGuid": guid(uint64(len(image))<<32|uint64(ephemeral), uint64(d)), "ProcessId": 4, "Image": image, "User": user,
		"Protocol": "tcp", "Initiated": fmt.Sprint(out),
		"SourceIp": srcIP, "SourceHostname": srcName, "SourcePort": ephemeral,
		"DestinationIp": dstIP, "DestinationHostname": dstName, "DestinationPort": port,
	})
}
