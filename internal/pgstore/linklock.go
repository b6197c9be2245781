package pgstore

import (
	"context"
	"fmt"
	"hash/fnv"
)

// TryLinkerLock takes the cluster-wide lock of the cross-partition
// incident linker if no one holds it: a PostgreSQL session advisory lock
// on a connection of its own, held until unlock (or until that connection
// ends, when the server frees it). ok is false when another node holds
// it. The key is derived from the schema, so that deployments (and
// tests) sharing a database do not exclude each other.
func (db *DB) TryLinkerLock(ctx context.Context) (unlock func(), ok bool, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("pgstore: linker lock: acquire a connection: %w", err)
	}
	key := db.lockKey("vigil incident linker")
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("pgstore: linker lock: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		// A failed unlock leaves the lock with a connection that may go
		// back to the pool: close it so that the server frees the lock.
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); err != nil {
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
		conn.Release()
	}, true, nil
}

// lockKey is the advisory lock key of name in db's schema.
func (db *DB) lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name + "\x00" + db.schema))
	return int64(h.Sum64())
}
