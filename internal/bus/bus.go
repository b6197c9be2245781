// Package bus carries events between Vigil's ingest and detector nodes over
// a NATS JetStream cluster, for deployments that outgrow one machine.
//
// Ingest nodes publish through Sink: each event goes to one of a fixed
// number of partitions by its host, and Accept returns once the stream has
// stored every event (on a quorum of replicas). Detector nodes Join as a
// group: each claims a fair share of the partitions through leases in a
// key-value bucket, processes its partitions in stream order, and hands
// them over when nodes join, leave or die. See docs/scale-out.md.
package bus

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Bus is a connection to the event stream. Its methods are safe for
// concurrent use.
type Bus struct {
	cfg      Config
	log      *slog.Logger
	nc       *nats.Conn
	js       jetstream.JetStream
	kv       jetstream.KeyValue
	subjects []string // per partition

	stats counters
	mu    sync.Mutex
	lags  map[int]*atomic.Uint64 // per partition held by a member of this Bus
}

// Connect connects to the cluster, then creates the event stream and the
// lease bucket or brings their configuration up to date with cfg. log
// receives connection events (disconnects, reconnects, errors).
func Connect(ctx context.Context, cfg Config, log *slog.Logger) (*Bus, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	b := &Bus{cfg: cfg, log: log, lags: map[int]*atomic.Uint64{}}
	for p := range cfg.Partitions {
		b.subjects = append(b.subjects, subject(cfg.Stream, p))
	}
	nc, err := nats.Connect(strings.Join(cfg.URLs, ","), b.natsOptions()...)
	if err != nil {
		return nil, fmt.Errorf("bus: connect to %s: %w", strings.Join(cfg.URLs, ","), err)
	}
	b.nc = nc
	if err := b.setup(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	return b, nil
}

func subject(stream string, p int) string { return stream + ".p." + strconv.Itoa(p) }

// natsOptions are the connection's options: reconnect for ever (a cluster
// node restarting is routine), TLS and credentials as configured.
func (b *Bus) natsOptions() []nats.Option {
	opts := []nats.Option{
		nats.Name("vigil"),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				b.log.Warn("bus: disconnected", "stream", b.cfg.Stream, "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			b.log.Info("bus: reconnected", "stream", b.cfg.Stream, "server", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subj := ""
			if sub != nil {
				subj = sub.Subject
			}
			b.log.Warn("bus: connection error", "stream", b.cfg.Stream, "subject", subj, "err", err)
		}),
	}
	if b.cfg.Credentials != "" {
		opts = append(opts, nats.UserCredentials(b.cfg.Credentials))
	}
	if b.cfg.TLS.CA != "" {
		opts = append(opts, nats.RootCAs(b.cfg.TLS.CA))
	}
	if b.cfg.TLS.Cert != "" {
		opts = append(opts, nats.ClientCert(b.cfg.TLS.Cert, b.cfg.TLS.Key))
	}
	return opts
}

// setup creates or updates the stream and the lease bucket.
func (b *Bus) setup(ctx context.Context) error {
	js, err := jetstream.New(b.nc,
		jetstream.WithPublishAsyncMaxPending(b.cfg.MaxPending),
		jetstream.WithPublishAsyncTimeout(b.cfg.AckTimeout))
	if err != nil {
		return fmt.Errorf("bus: JetStream on %s: %w", b.nc.ConnectedUrlRedacted(), err)
	}
	b.js = js
	if _, err := js.CreateOrUpdateStream(ctx, b.streamConfig()); err != nil {
		return fmt.Errorf("bus: create or update stream %s (replicas %d): %w", b.cfg.Stream, b.cfg.Replicas, err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      b.leaseBucket(),
		Description: "Vigil detector nodes' partition leases of stream " + b.cfg.Stream,
		TTL:         b.cfg.LeaseTTL,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    b.cfg.Replicas,
	})
	if err != nil {
		return fmt.Errorf("bus: create or update lease bucket %s: %w", b.leaseBucket(), err)
	}
	b.kv = kv
	return nil
}

func (b *Bus) leaseBucket() string { return b.cfg.Stream + "_LEASES" }

func (b *Bus) streamConfig() jetstream.StreamConfig {
	sc := jetstream.StreamConfig{
		Name:        b.cfg.Stream,
		Description: "Vigil stream " + b.cfg.Stream + ", partitioned by key: events by host, a _CORR stream by correlation group",
		Subjects:    []string{b.cfg.Stream + ".p.*"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    b.cfg.Replicas,
		MaxAge:      b.cfg.MaxAge,
		MaxBytes:    b.cfg.MaxBytes,
		Duplicates:  b.cfg.DuplicateWindow,
		Discard:     jetstream.DiscardOld,
	}
	if sc.MaxBytes == 0 {
		sc.MaxBytes = -1
	} else {
		sc.Discard = jetstream.DiscardNew // never drop what a detector may not have read
	}
	return sc
}

// Close closes the connection. Publishes still awaiting their
// acknowledgement fail.
func (b *Bus) Close() { b.nc.Close() }

// Partitions is the number of partitions the stream is split into.
func (b *Bus) Partitions() int { return b.cfg.Partitions }
