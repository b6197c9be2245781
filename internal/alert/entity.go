package alert

import (
	"errors"
	"net/netip"
	"strings"
	"time"
)

// EntityKind says how an event names an entity besides its own host.
type EntityKind uint8

// Entity kinds.
const (
	// EntitySource is a host or address that reached the event's host: a
	// logon's source (IpAddress, WorkstationName), an inbound connection's
	// peer, a share's client.
	EntitySource EntityKind = iota + 1
	// EntityTarget is a host or address the event's host reached: an
	// outbound connection's peer, the server of explicit credentials.
	EntityTarget
	// EntityAddress is an address of the event's own host, as an
	// outbound connection's source address shows it.
	EntityAddress
	// EntityArtifact is something an intruder leaves that several hosts'
	// events name, such as the Group Policy object a logon script runs
	// from ("gpo:{GUID}").
	EntityArtifact
)

var entityKinds = [...]string{EntitySource: "source", EntityTarget: "target", EntityAddress: "address", EntityArtifact: "artifact"}

// Entity is a host, address or artefact an event names.
type Entity struct {
	Kind  EntityKind
	Value string
}

// String is the entity as Incident.Entities keeps it: "kind:value".
func (e Entity) String() string {
	if int(e.Kind) >= len(entityKinds) || e.Kind == 0 {
		return "unknown:" + e.Value
	}
	return entityKinds[e.Kind] + ":" + e.Value
}

// Sighting is what an event that raised no alert tells the Deduper: the
// entities it names. Logons and connections between hosts are how an
// analyst follows an intrusion from host to host, and they rarely raise
// an alert themselves.
type Sighting struct {
	Host     string
	Time     time.Time
	Entities []Entity
}

// normEntity puts e in the form the Deduper compares: addresses canonical,
// host names lower-case and without their domain, artefacts lower-case. It
// reports false for values that name nothing (empty, "-", loopback,
// unspecified addresses, localhost) and for the event's own host, short.
func normEntity(e Entity, self string) (Entity, bool) {
	v := strings.TrimSpace(e.Value)
	if e.Kind == EntityArtifact {
		return Entity{e.Kind, strings.ToLower(v)}, v != "" && v != "-"
	}
	for { // a UNC path's \\HOST, however many slashes and spaces lead
		w := strings.TrimSpace(strings.TrimLeft(v, `\`))
		if w == v {
			break
		}
		v = w
	}
	if a, err := parseAddr(v); err == nil {
		return addrEntity(e.Kind, a)
	}
	v = shortHost(v)
	if a, err := parseAddr(v); err == nil { // what is left before a dot may be one
		return addrEntity(e.Kind, a)
	}
	if v == "" || v == "-" || v == "localhost" || (v == self && e.Kind != EntityAddress) {
		return e, false
	}
	return Entity{e.Kind, v}, e.Kind != EntityAddress // an address must be an address
}

// addrEntity is an entity for address a, none for loopback and
// unspecified addresses.
func addrEntity(kind EntityKind, a netip.Addr) (Entity, bool) {
	a = a.Unmap()
	if a.IsLoopback() || a.IsUnspecified() {
		return Entity{}, false
	}
	return Entity{kind, a.String()}, true
}

// shortHost is a host name lower-cased without its domain, as NetBIOS
// names (WorkstationName) and FQDNs (Computer) of one host compare equal.
func shortHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if _, err := parseAddr(h); err == nil {
		return h
	}
	if i := strings.IndexByte(h, '.'); i >= 0 {
		h = strings.TrimSpace(h[:i])
	}
	return h
}

// notPeople are the accounts that are no person's: every host has them,
// so grouping alerts by them would glue unrelated hosts into one incident.
var notPeople = []struct{ name, why string }{
	{"", "no account named"},
	{"-", "Windows' placeholder for no account"},
	{"system", "the local system account of every Windows host"},
	{"localsystem", "the service control manager's name for SYSTEM"},
	{"local service", "a built-in service account on every Windows host"},
	{"network service", "a built-in service account on every Windows host"},
	{"anonymous logon", "null sessions: anyone unauthenticated, such as SMB exploits"},
	{"root", "the superuser of every Unix host"},
	// Machine accounts (NAME$) are the hosts themselves: see groupUser.
}

// groupUser returns the name alerts are grouped by for user: lower-cased,
// without its domain, and "" for accounts that are no person's (notPeople)
// and machine accounts (NAME$).
func groupUser(user string) string {
	u := strings.ToLower(strings.TrimSpace(user))
	if i := strings.LastIndexByte(u, '\\'); i >= 0 {
		u = u[i+1:]
	}
	if i := strings.IndexByte(u, '@'); i >= 0 {
		u = u[:i]
	}
	if strings.HasSuffix(u, "$") {
		return ""
	}
	for _, n := range notPeople {
		if u == n.name {
			return ""
		}
	}
	return u
}

// errNotAddr is parseAddr's answer for what cannot be an address.
var errNotAddr = errors.New("not an IP address")

// parseAddr is netip.ParseAddr, answering at once, without allocating an
// error, for strings that cannot be an address (most host names): those
// with a character other than hex digits, dots and colons before any zone.
func parseAddr(s string) (netip.Addr, error) {
	for i := range len(s) {
		switch c := s[i]; {
		case c == '%':
			return netip.ParseAddr(s)
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F', c == '.', c == ':':
		default:
			return netip.Addr{}, errNotAddr
		}
	}
	return netip.ParseAddr(s)
}
