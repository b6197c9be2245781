package serve

import (
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/event"
)

// The fields that name another host or address, as Windows and Sysmon
// events carry them: who logged on from where (4624, 4625, 4648, 4776,
// 4778), who opened a share (5140, 5145), the peers of a network
// connection (Sysmon 3), the server explicit credentials were used for.
var (
	sourceFields = []event.FieldID{
		event.Intern("IpAddress"), event.Intern("WorkstationName"), event.Intern("Workstation"),
		event.Intern("ClientAddress"), event.Intern("ClientName"), event.Intern("RemoteHost"),
	}
	targetFields = []event.FieldID{event.Intern("TargetServerName")}
	// A connection's ends, whose direction Initiated gives (Sysmon 3):
	// without it the source is taken as the remote end.
	srcEnd    = []event.FieldID{event.Intern("SourceIp"), event.Intern("SourceAddress"), event.Intern("SourceHostname")}
	dstEnd    = []event.FieldID{event.Intern("DestinationIp"), event.Intern("DestinationAddress"), event.Intern("DestinationHostname")}
	initiated = event.Intern("Initiated")
	gpoFields = []event.FieldID{event.Intern("ObjectDN"), event.Intern("TargetFilename"), event.Intern("CommandLine")}
)

// related appends to out the hosts, addresses and artefacts ev names
// besides its own host, copied out of ev's arena.
func related(ev *event.Event, out []alert.Entity) []alert.Entity {
	add := func(kind alert.EntityKind, ids []event.FieldID) {
		for _, id := range ids {
			if v, ok := ev.Get(id); ok && !namesNothing(v) {
				out = append(out, alert.Entity{Kind: kind, Value: strings.Clone(v)})
			}
		}
	}
	add(alert.EntitySource, sourceFields)
	add(alert.EntityTarget, targetFields)
	switch dir, _ := ev.Get(initiated); strings.ToLower(dir) {
	case "true": // this host connected out: the source end is its own
		add(alert.EntityAddress, srcEnd[:1])
		add(alert.EntityTarget, dstEnd)
	case "false":
		add(alert.EntityAddress, dstEnd[:1])
		add(alert.EntitySource, srcEnd)
	default:
		add(alert.EntitySource, srcEnd)
		add(alert.EntityTarget, dstEnd)
	}
	for _, id := range gpoFields {
		if i := ev.Index(id); i >= 0 {
			if g := gpoOf(ev.Lower(i)); g != "" {
				out = append(out, alert.Entity{Kind: alert.EntityArtifact, Value: "gpo:" + g})
			}
		}
	}
	return out
}

// gpoOf finds the Group Policy object a lower-cased value names: a path
// into a policy's folder (...\policies\{GUID}\...) or its directory name
// (cn={GUID},cn=policies,...). It returns "{guid}" or "".
func gpoOf(s string) string {
	const guidLen = 38 // {8-4-4-4-12}
	if i := strings.Index(s, `\policies\{`); i >= 0 {
		if g := s[i+len(`\policies\`):]; len(g) >= guidLen && g[guidLen-1] == '}' {
			return g[:guidLen]
		}
	}
	if i := strings.Index(s, "cn={"); i >= 0 {
		if g := s[i+3:]; len(g) >= guidLen && g[guidLen-1] == '}' && strings.HasPrefix(g[guidLen:], ",cn=policies") {
			return g[:guidLen]
		}
	}
	return ""
}

// namesNothing reports the values that are common and name no other host,
// so that they are not copied only for the deduper to drop them.
func namesNothing(v string) bool {
	switch v {
	case "", "-", "127.0.0.1", "::1", "localhost":
		return true
	}
	return false
}
