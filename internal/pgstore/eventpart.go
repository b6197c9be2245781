package pgstore

import (
	"context"
	"fmt"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// insertPartition inserts one partition's events, skipping the (partition,
// seq) keys already stored. The columns come as arrays, one statement for
// the whole batch; fields comes as text and becomes jsonb here.
const insertPartition = `INSERT INTO events (partition, seq, time_ns, stored_ns, bytes, data, fields, text_lower)
	SELECT $1, seq, time_ns, $2, bytes, data, fields::jsonb, text_lower
	FROM unnest($3::bigint[], $4::bigint[], $5::integer[], $6::bytea[], $7::text[], $8::text[])
		AS r(seq, time_ns, bytes, data, fields, text_lower)
	ON CONFLICT (partition, seq) DO NOTHING`

// AppendPartition stores recs, the events of stream partition p by their
// stream sequence numbers, in one statement. It is idempotent by (p, Seq):
// a record already stored is ignored, whatever order the partitions'
// batches come in, so that a detect node that takes a partition over may
// store again what its previous holder stored. It leaves Position alone
// (that is the single log's). It does not keep recs.
func (s *EventStore) AppendPartition(ctx context.Context, p int, recs []eventstore.Record) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	if p < 0 {
		return fmt.Errorf("pgstore: append events of partition %d: a partition is 0 or more", p)
	}
	n := len(recs)
	seqs, times, sizes := make([]int64, n), make([]int64, n), make([]int32, n)
	data, fields, texts := make([][]byte, n), make([]string, n), make([]string, n)
	var ix indexer
	for i, r := range recs {
		seq, err := toInt64("sequence", r.Seq)
		if err != nil {
			return fmt.Errorf("pgstore: append events of partition %d: %w", p, err)
		}
		t, f, text := ix.index(r.Data)
		seqs[i], times[i], sizes[i], data[i], fields[i], texts[i] = seq, t, int32(len(r.Data)), r.Data, string(f), text
	}
	if _, err := s.db.pool.Exec(ctx, insertPartition, p, nanos(s.now()), seqs, times, sizes, data, fields, texts); err != nil {
		return fmt.Errorf("pgstore: append events %d to %d of partition %d: %w", recs[0].Seq, recs[n-1].Seq, p, err)
	}
	return nil
}
