package serve

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// EventsConfig is the events section: how long and how much of the
// accepted events the event store keeps for search. Zero keeps without
// that limit.
type EventsConfig struct {
	MaxAge   time.Duration `yaml:"max_age"`
	MaxBytes ByteSize      `yaml:"max_bytes"`
}

// Defaults of the events section: thirty days, and 10 GiB.
const (
	DefaultEventsMaxAge   = 720 * time.Hour
	DefaultEventsMaxBytes = 10 << 30
)

// minEventsBytes is the least max_bytes that leaves the store room for a
// few segments.
const minEventsBytes = 1 << 20

// ByteSize is a size in bytes that configuration may write as a number or
// with a unit: 10GB, 10GiB, 512MiB, 1.5TB (KB, MB, GB, TB are powers of
// 1000; KiB, MiB, GiB, TiB of 1024).
type ByteSize int64

// UnmarshalYAML implements yaml.Unmarshaler.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*b = v
	return nil
}

var byteUnits = []struct {
	suffix string
	mult   float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
}

// ParseByteSize reads a size as ByteSize describes.
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	mult := 1.0
	for _, u := range byteUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f*mult >= 1<<63 {
		return 0, fmt.Errorf("%q is not a size such as 10GB, 512MiB or a number of bytes", s)
	}
	return ByteSize(f * mult), nil
}

func (e *EventsConfig) validate() error {
	if e.MaxAge < 0 {
		return fmt.Errorf("config key events.max_age: %v is negative (0 keeps events of any age)", e.MaxAge)
	}
	if e.MaxBytes != 0 && e.MaxBytes < minEventsBytes {
		return fmt.Errorf("config key events.max_bytes: %d bytes is below the least of %d (0 sets no limit)", e.MaxBytes, minEventsBytes)
	}
	return nil
}
