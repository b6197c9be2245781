// Package sim is a simulated NHS trust for demonstrations and end-to-end
// tests: an estate of clinical workstations, servers and network devices,
// deterministic background traffic from them, and attack scenarios modelled
// on real NHS incidents (WannaCry 2017, Advanced 2022, Synnovis 2024), each
// with its ground truth: the stages, the events each emits and the rules of
// Vigil's own pack expected to fire. A Player sends the events to a running
// service over its real HTTP and syslog listeners.
package sim

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Domain is the trust's DNS domain; NetBIOS is its Windows domain name.
const (
	Domain  = "trust.nhs.uk"
	NetBIOS = "TRUST"
)

// Kind says what a host is for.
type Kind int

// Host kinds.
const (
	Workstation Kind = iota
	Server
	DomainController
	Network // firewall, VPN concentrator: speaks syslog only
)

// Host is one machine of the estate.
type Host struct {
	Name    string // short name, upper case: WARD7-PC12
	Kind    Kind
	OS      string // as Windows reports it in event 6009, or the appliance firmware
	Version string // Windows version number: 6.01. (Windows 7 / 2008 R2), 10.0.
	Build   string // Windows build: 7601, 19045, 17763
	Role    string // what it does for the trust: "ward workstation", "PAS", ...
}

// FQDN is the host's fully qualified name, as Windows events carry it.
func (h Host) FQDN() string { return h.Name + "." + Domain }

// Legacy reports whether the host runs an unsupported Windows.
func (h Host) Legacy() bool { return h.Version == "6.01." }

// Person is a member of staff with a domain account.
type Person struct {
	Account string // sAMAccountName: n.patel
	Name    string
	Role    string
}

// Qualified is the account as DOMAIN\name.
func (p Person) Qualified() string { return NetBIOS + `\` + p.Account }

// Trust is the simulated organisation: its estate, its staff and a source of
// randomness fixed by the seed, so that the same seed gives the same traffic.
// It is safe for use by one goroutine at a time per generator; record numbers
// are shared and guarded.
type Trust struct {
	Seed    int64
	Hosts   []Host
	Staff   []Person
	mu      sync.Mutex
	records map[string]uint64 // next EventRecordID per host
}

// NewTrust builds the estate and staff for seed.
func NewTrust(seed int64) *Trust {
	t := &Trust{Seed: seed, records: map[string]uint64{}}
	t.Hosts = estate()
	t.Staff = staff()
	return t
}

// Host returns the host called name; it panics on a name the estate lacks,
// which is a mistake in a scenario, not an input error.
func (t *Trust) Host(name string) Host {
	for _, h := range t.Hosts {
		if h.Name == name {
			return h
		}
	}
	panic(fmt.Sprintf("sim: no host %q in the estate", name))
}

// nextRecord returns the host's next EventRecordID.
func (t *Trust) nextRecord(host string) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.records[host] == 0 {
		t.records[host] = 10_000 + uint64(len(host))*137
	}
	t.records[host]++
	return t.records[host]
}

// rng returns a generator derived from the seed and a stream number, so that
// background and each scenario draw from independent, repeatable streams.
func (t *Trust) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(t.Seed), stream))
}

// hostsOf lists the hosts of one kind.
func (t *Trust) hostsOf(k Kind) []Host {
	var out []Host
	for _, h := range t.Hosts {
		if h.Kind == k {
			out = append(out, h)
		}
	}
	return out
}

const (
	win7    = "Microsoft Windows 7 Enterprise Service Pack 1"
	win10   = "Microsoft Windows 10 Enterprise 22H2"
	win2008 = "Microsoft Windows Server 2008 R2 Standard Service Pack 1"
	win2019 = "Microsoft Windows Server 2019 Standard"
)

// estate lists the trust's machines: ward workstations (a few still on
// Windows 7, as many trusts still had in 2017 and some do now), the clinical
// and infrastructure servers, and the network edge.
func estate() []Host {
	var hs []Host
	for ward := 1; ward <= 8; ward++ {
		for pc := 1; pc <= 6; pc++ {
			h := Host{Name: fmt.Sprintf("WARD%d-PC%02d", ward, pc), Kind: Workstation, Role: "ward workstation",
				OS: win10, Version: "10.0.", Build: "19045"}
			if ward == 3 || (ward == 7 && pc%3 == 0) { // ward 3 still runs Windows 7
				h.OS, h.Version, h.Build = win7, "6.01.", "7601"
			}
			hs = append(hs, h)
		}
	}
	hs = append(hs,
		Host{Name: "RAD-PC02", Kind: Workstation, Role: "PACS reporting workstation", OS: win7, Version: "6.01.", Build: "7601"},
		Host{Name: "PAS-SRV01", Kind: Server, Role: "patient administration system", OS: win2019, Version: "10.0.", Build: "17763"},
		Host{Name: "EPR-SRV01", Kind: Server, Role: "electronic patient record", OS: win2019, Version: "10.0.", Build: "17763"},
		Host{Name: "PACS-SRV01", Kind: Server, Role: "picture archiving (PACS)", OS: win2008, Version: "6.01.", Build: "7601"},
		Host{Name: "LIMS-SRV01", Kind: Server, Role: "pathology LIMS", OS: win2008, Version: "6.01.", Build: "7601"},
		Host{Name: "FILE-SRV02", Kind: Server, Role: "departmental file server", OS: win2019, Version: "10.0.", Build: "17763"},
		Host{Name: "BACKUP-SRV01", Kind: Server, Role: "backup server", OS: win2019, Version: "10.0.", Build: "17763"},
		Host{Name: "DC01", Kind: DomainController, Role: "domain controller", OS: win2019, Version: "10.0.", Build: "17763"},
		Host{Name: "FW01", Kind: Network, Role: "perimeter firewall", OS: "FortiOS 7.2.8"},
		Host{Name: "VPN01", Kind: Network, Role: "remote access VPN concentrator", OS: "FortiOS 7.2.8"},
	)
	return hs
}

// staff lists the accounts that log on: clinicians, administrators and a
// supplier's support account.
func staff() []Person {
	return []Person{
		{"n.patel", "Nisha Patel", "staff nurse"},
		{"j.okafor", "James Okafor", "consultant"},
		{"s.murphy", "Sinead Murphy", "ward clerk"},
		{"a.khan", "Amir Khan", "junior doctor"},
		{"l.evans", "Lowri Evans", "radiographer"},
		{"m.wright", "Mark Wright", "biomedical scientist"},
		{"c.nowak", "Celina Nowak", "pharmacist"},
		{"d.hughes", "Dafydd Hughes", "healthcare assistant"},
		{"r.begum", "Rukhsana Begum", "medical secretary"},
		{"t.brown", "Tom Brown", "porter supervisor"},
		{"e.adeyemi", "Esther Adeyemi", "midwife"},
		{"p.sharma", "Priya Sharma", "physiotherapist"},
		{"adm.rjones", "Rhys Jones", "IT infrastructure administrator"},
		{"adv.support", "Advanced support", "supplier support account"},
	}
}
