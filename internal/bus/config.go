package bus

import (
	"fmt"
	"regexp"
	"time"
)

// Defaults of Config.
const (
	DefaultStream          = "VIGIL_EVENTS"
	DefaultReplicas        = 1
	DefaultPartitions      = 32
	DefaultMaxPending      = 4096
	DefaultAckTimeout      = 10 * time.Second
	DefaultDuplicateWindow = 2 * time.Minute
	DefaultLeaseTTL        = 10 * time.Second
	DefaultBatch           = 256
)

// Config says which JetStream cluster carries events and how. It is the
// bus.nats section of Vigil's configuration; zero fields take the defaults
// above.
type Config struct {
	// URLs of the cluster's servers; the client connects to one and fails
	// over to the others.
	URLs []string `yaml:"urls"`
	// Stream names the event stream; its subjects are <Stream>.p.<n>, and
	// the partition leases live in the key-value bucket <Stream>_LEASES.
	Stream string `yaml:"stream"`
	// Replicas is the stream's replication factor: 1 for a test, 3 in
	// production (an event is acknowledged once stored on two of three).
	Replicas int `yaml:"replicas"`
	// Partitions splits the stream for detector nodes. Changing it moves
	// hosts between partitions; keep it fixed for a stream's life.
	Partitions int `yaml:"partitions"`
	// MaxAge and MaxBytes bound the stream (0: unbounded). With MaxBytes
	// set a full stream refuses new events (ingest answers "overloaded")
	// rather than drop old ones a detector may not have read.
	MaxAge   time.Duration `yaml:"max_age"`
	MaxBytes int64         `yaml:"max_bytes"`
	// DuplicateWindow is how long the stream remembers message ids, so
	// that a batch sent again within it is stored once.
	DuplicateWindow time.Duration `yaml:"duplicate_window"`
	// Credentials is a NATS credentials (.creds) file; empty for none.
	Credentials string    `yaml:"credentials"`
	TLS         TLSConfig `yaml:"tls"`
	// MaxPending bounds the publishes awaiting their acknowledgement on
	// this connection; past it Accept answers ingest.ErrOverloaded.
	MaxPending int `yaml:"max_pending"`
	// AckTimeout bounds the wait for one publish's acknowledgement.
	AckTimeout time.Duration `yaml:"ack_timeout"`
	// LeaseTTL is how long a detector node's claim on a partition lives
	// without renewal: how soon a dead node's partitions move on. Every
	// node of a stream must use the same value.
	LeaseTTL time.Duration `yaml:"lease_ttl"`
	// Batch is the most messages handed to one Handler.Process call.
	Batch int `yaml:"batch"`
}

// TLSConfig names PEM files for a TLS connection to the cluster; all empty
// for none. Cert and Key go together (client certificate authentication).
type TLSConfig struct {
	CA   string `yaml:"ca"`
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// streamName is what JetStream accepts as a stream name and a subject token.
var streamName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// withDefaults returns c with its zero fields set to the defaults.
func (c Config) withDefaults() Config {
	set := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	set(&c.Replicas, DefaultReplicas)
	set(&c.Partitions, DefaultPartitions)
	set(&c.MaxPending, DefaultMaxPending)
	set(&c.Batch, DefaultBatch)
	setDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	setDur(&c.AckTimeout, DefaultAckTimeout)
	setDur(&c.DuplicateWindow, DefaultDuplicateWindow)
	setDur(&c.LeaseTTL, DefaultLeaseTTL)
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	return c
}

// Check validates c with its defaults applied, as Connect does, and names
// the first key that is wrong, so that a service can refuse a bad
// configuration at start before it connects.
func (c Config) Check() error {
	c = c.withDefaults()
	return c.validate()
}

// validate names the first key that is wrong, as the configuration file
// spells it.
func (c *Config) validate() error {
	switch {
	case len(c.URLs) == 0:
		return fmt.Errorf("config key bus.nats.urls: no server URL given")
	case !streamName.MatchString(c.Stream):
		return fmt.Errorf("config key bus.nats.stream: %q is not a stream name (letters, digits, _ and -, at most 64)", c.Stream)
	case c.Replicas < 1 || c.Replicas > 5:
		return fmt.Errorf("config key bus.nats.replicas: %d is not between 1 and 5", c.Replicas)
	case c.Partitions < 1 || c.Partitions > 4096:
		return fmt.Errorf("config key bus.nats.partitions: %d is not between 1 and 4096", c.Partitions)
	case c.MaxAge < 0:
		return fmt.Errorf("config key bus.nats.max_age: %v is negative", c.MaxAge)
	case c.MaxBytes < 0:
		return fmt.Errorf("config key bus.nats.max_bytes: %d is negative", c.MaxBytes)
	case c.DuplicateWindow < 0:
		return fmt.Errorf("config key bus.nats.duplicate_window: %v is negative", c.DuplicateWindow)
	case c.MaxPending < 1:
		return fmt.Errorf("config key bus.nats.max_pending: %d is not positive", c.MaxPending)
	case c.AckTimeout < 0:
		return fmt.Errorf("config key bus.nats.ack_timeout: %v is negative", c.AckTimeout)
	case c.LeaseTTL < 500*time.Millisecond:
		return fmt.Errorf("config key bus.nats.lease_ttl: %v is shorter than 500ms", c.LeaseTTL)
	case c.Batch < 1:
		return fmt.Errorf("config key bus.nats.batch: %d is not positive", c.Batch)
	case (c.TLS.Cert == "") != (c.TLS.Key == ""):
		return fmt.Errorf("config key bus.nats.tls: cert and key must be given together")
	}
	return nil
}
