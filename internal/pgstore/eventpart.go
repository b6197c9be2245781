package pgstore

import (
	"context"
	"fmt"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// insertPartition inserts one partition's events, skipping the (partition,
// seq) keys already stored, and the search blocks of those it inserted:
// each block ($9 on, as blockBuilder.blocks gives them) spans the
// sequences it inserted within the block's, and none is stored when it
// inserted none of them. The columns come as arrays, one statement for
// the whole batch; fields come as text and become jsonb here.
const insertPartition = `WITH ins AS (
		INSERT INTO events (partition, seq, time_ns, stored_ns, bytes, data, fields, text_lower)
		SELECT $1, seq, time_ns, $2, bytes, data, fields::jsonb, text_lower
		FROM unnest($3::bigint[], $4::bigint[], $5::integer[], $6::bytea[], $7::text[], $8::text[])
			AS r(seq, time_ns, bytes, data, fields, text_lower)
		ON CONFLICT (partition, seq) DO NOTHING
		RETURNING seq)
	INSERT INTO event_blocks (partition, first_seq, last_seq, stored_ns, min_time_ns, max_time_ns, fields, text_lower)
	SELECT $1, i.lo, i.hi, $2, b.min_t, b.max_t, b.fields::jsonb, b.text_lower
	FROM unnest($9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[], $14::text[])
		AS b(first, last, min_t, max_t, fields, text_lower)
	CROSS JOIN LATERAL (SELECT min(seq) AS lo, max(seq) AS hi FROM ins WHERE ins.seq BETWEEN b.first AND b.last) i
	WHERE i.lo IS NOT NULL`

// AppendPartition stores recs, the events of stream partition p by their
// stream sequence numbers, with their search blocks, in one statement. It
// is idempotent by (p, Seq): a record already stored is ignored (and gets
// no new block), whatever order the partitions' batches come in, so that
// a detect node that takes a partition over may store again what its
// previous holder stored. It leaves Position alone (that is the single
// log's). It does not keep recs.
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
		t, f, text := ix.index(seq, r.Data)
		seqs[i], times[i], sizes[i], data[i], fields[i], texts[i] = seq, t, int32(len(r.Data)), r.Data, string(f), text
	}
	args := append([]any{p, nanos(s.now()), seqs, times, sizes, data, fields, texts}, ix.blocks.blocks()...)
	if _, err := s.db.pool.Exec(ctx, insertPartition, args...); err != nil {
		return fmt.Errorf("pgstore: append events %d to %d of partition %d: %w", recs[0].Seq, recs[n-1].Seq, p, err)
	}
	return nil
}
