package bus

import (
	"context"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Keyed is a message whose partition and identity the caller chooses: a
// detector republishing matched events to a second stream partitioned by
// something other than the host (docs/scale-out.md, "The key pass").
type Keyed struct {
	// Key picks the partition: PartitionOf(Key, partitions).
	Key string
	// ID is the message's Nats-Msg-Id: a message sent again under the
	// same ID within the stream's duplicate window is stored once.
	ID string
	// Data is the message body. Publish may still read it after it
	// returns (a send the client retries in the background): the caller
	// must not change it.
	Data []byte
}

// Publish sends msgs to the stream, each to its key's partition, and
// returns nil once the stream has acknowledged every one (stored on a
// quorum of replicas). Failures that sending again may cure are retried
// as Accept retries them; the error otherwise says how many were not
// stored and wraps ingest.ErrOverloaded when the cause is passing. Order
// within a partition is the order of msgs, except that a message sent
// again lands after those sent since.
func (b *Bus) Publish(ctx context.Context, msgs []Keyed) error {
	if len(msgs) == 0 {
		return nil
	}
	out := make([]*nats.Msg, len(msgs))
	for i, m := range msgs {
		out[i] = &nats.Msg{
			Subject: b.subjects[PartitionOf(m.Key, b.cfg.Partitions)],
			Data:    m.Data,
			Header:  nats.Header{jetstream.MsgIDHeader: {m.ID}},
		}
	}
	return b.sendAll(ctx, out)
}
