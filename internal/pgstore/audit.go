package pgstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/audit"
)

// AuditChain is the self-audit hash chain in PostgreSQL, shared by every
// node: the same entries and hashes as the file log (audit.Sealer), one
// row each. An append locks the chain's head row, so that entries from
// several nodes form one linear chain; it returns once committed.
type AuditChain struct {
	db     *DB
	seal   audit.Sealer
	closed atomic.Bool
}

var _ audit.Chain = (*AuditChain)(nil)

// auditTable names the chain in a ChainError's File.
const auditTable = "table audit_log"

// Audit returns the DB's audit chain, hashing with key (HMAC-SHA256), or
// SHA-256 when key is nil. Its Close ends only this handle.
func (db *DB) Audit(key []byte) *AuditChain {
	return &AuditChain{db: db, seal: audit.NewSealer(key)}
}

// Append implements audit.Chain. audit.Chain has no context: an append
// is bounded by the pool's connect time-out and the server's own.
func (c *AuditChain) Append(e audit.Entry) (audit.Entry, error) {
	if c.closed.Load() {
		return audit.Entry{}, audit.ErrClosed
	}
	ctx := context.Background()
	err := c.db.inTx(ctx, func(tx pgx.Tx) error {
		var seq int64
		var prev string
		if err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit_head FOR UPDATE").Scan(&seq, &prev); err != nil {
			return fmt.Errorf("read the chain's head: %w", err)
		}
		line, err := c.seal.Seal(&e, uint64(seq)+1, prev, time.Now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO audit_log (seq, line) VALUES ($1, $2)", seq+1, string(line)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE audit_head SET seq = $1, hash = $2", seq+1, e.Hash)
		return err
	})
	if err != nil {
		return audit.Entry{}, fmt.Errorf("pgstore: append to the audit chain: %w", err)
	}
	return e, nil
}

// Verify implements audit.Chain: every row in order, each checked as the
// file log's Verify checks a line; a *audit.ChainError names the first bad
// one (File "table audit_log", Line its position). It also checks that the
// head row names the last entry, so that deleting the newest rows without
// moving the head is seen.
func (c *AuditChain) Verify() (int, error) {
	ctx := context.Background()
	rows, err := c.db.pool.Query(ctx, "SELECT line FROM audit_log ORDER BY seq")
	if err != nil {
		return 0, fmt.Errorf("pgstore: read the audit chain: %w", err)
	}
	defer rows.Close()
	var seq uint64
	var prev string
	for rows.Next() {
		var line []byte
		if err := rows.Scan(&line); err != nil {
			return int(seq), fmt.Errorf("pgstore: read the audit chain: %w", err)
		}
		e, err := c.seal.Check(line, seq+1, prev)
		if err != nil {
			return int(seq), &audit.ChainError{File: auditTable, Line: int(seq) + 1, Seq: seq + 1, Reason: err.Error()}
		}
		seq, prev = e.Seq, e.Hash
	}
	if err := rows.Err(); err != nil {
		return int(seq), fmt.Errorf("pgstore: read the audit chain: %w", err)
	}
	var head int64
	var hash string
	if err := c.db.pool.QueryRow(ctx, "SELECT seq, hash FROM audit_head").Scan(&head, &hash); err != nil {
		return int(seq), fmt.Errorf("pgstore: read the audit chain's head: %w", err)
	}
	if uint64(head) != seq || hash != prev {
		return int(seq), &audit.ChainError{File: auditTable, Line: int(seq) + 1, Seq: uint64(head),
			Reason: fmt.Sprintf("the head names entry %d but the chain ends at entry %d: entries are missing", head, seq)}
	}
	return int(seq), nil
}

// Close implements audit.Chain.
func (c *AuditChain) Close() error {
	c.closed.Store(true)
	return nil
}
