package serve

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/vigilhealth/vigil/internal/bus"
)

// Role is what one vigil serve process runs. RoleAll is the embedded
// single process; the others split it over processes that meet at a NATS
// JetStream cluster (the events) and PostgreSQL (alerts, incidents and
// searchable events). See docs/scale-out.md.
type Role string

// The roles.
const (
	// RoleAll runs everything in one process over its data folder.
	RoleAll Role = "all"
	// RoleIngest runs the listeners and publishes what they accept to the
	// stream; a sender is answered once the stream has stored its events.
	RoleIngest Role = "ingest"
	// RoleDetect joins the detector group, runs the rules on its share of
	// the stream's partitions and commits alerts to PostgreSQL.
	RoleDetect Role = "detect"
	// RoleAPI serves the API and console over PostgreSQL; no listeners.
	RoleAPI Role = "api"
)

// ParseRole reads a role's name; "" is RoleAll.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case "":
		return RoleAll, nil
	case RoleAll, RoleIngest, RoleDetect, RoleAPI:
		return r, nil
	}
	return "", fmt.Errorf("role %q is not all, ingest, detect or api", s)
}

// UnmarshalText implements encoding.TextUnmarshaler, for the flag and the
// environment.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// String is the role's name; the zero Role is all.
func (r Role) String() string {
	if r == "" {
		return string(RoleAll)
	}
	return string(r)
}

// BusConfig is the bus section: the event stream of the scaled-out roles.
// NATS is nil unless configured, and nothing of the bus runs then.
type BusConfig struct {
	NATS *bus.Config `yaml:"nats"`
}

// validateRole checks that a scaled-out role has what it needs, naming the
// missing key.
func (c *Config) validateRole() error {
	role, err := ParseRole(string(c.Role))
	if err != nil {
		return fmt.Errorf("config key role: %w", err)
	}
	c.Role = role
	if c.Bus.NATS != nil {
		if err := c.Bus.NATS.Check(); err != nil {
			return err
		}
	}
	if err := c.validatePrivacyNode(); err != nil {
		return err
	}
	if role == RoleAll {
		return nil
	}
	if c.Bus.NATS == nil && role != RoleAPI {
		return fmt.Errorf("config key bus.nats.urls: role %s needs the NATS JetStream cluster's URLs (bus: {nats: {urls: [...]}}, or VIGIL_BUS_NATS_URLS)", role)
	}
	if (role == RoleDetect || role == RoleAPI) && c.Store.Postgres.DSN == "" {
		return fmt.Errorf("config key store.postgres.dsn: role %s needs the shared PostgreSQL database (store: {postgres: {dsn: ...}}, or VIGIL_STORE_POSTGRES_DSN)", role)
	}
	if role == RoleDetect {
		return c.defaultNode()
	}
	return nil
}

// nodeName is what the bus accepts as a node's name.
var nodeName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// defaultNode names a detect node after its host when no name is given,
// with the characters a name may not hold (dots) turned into dashes.
func (c *Config) defaultNode() error {
	if c.Node == "" {
		h, err := os.Hostname()
		if err != nil {
			return fmt.Errorf("config key node: no node name given and the host name is unknown: %w", err)
		}
		c.Node = strings.Map(func(r rune) rune {
			if r < 128 && nodeName.MatchString(string(r)) {
				return r
			}
			return '-'
		}, h)
	}
	if !nodeName.MatchString(c.Node) {
		return fmt.Errorf("config key node: %q is not letters, digits, _ and - (at most 128); each detect node needs its own", c.Node)
	}
	return nil
}
