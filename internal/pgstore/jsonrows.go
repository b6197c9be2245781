package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
)

// queryJSON runs a query whose one column is a JSON document and decodes
// each row into a T, in the query's order; what names the rows in errors.
func queryJSON[T any](ctx context.Context, db *DB, what, sql string, args ...any) ([]T, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("decode %s row %d: %w", what, len(out)+1, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return out, nil
}

// jsonText encodes v for a json column; what names it in errors.
func jsonText(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

// wrapErr prefixes a store error with the package, leaving nil as is.
func wrapErr(err error) error {
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	return nil
}
