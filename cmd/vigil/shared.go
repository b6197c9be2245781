package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/pgstore"
)

// postgresFlag adds --postgres to fs: the shared database of a scaled-out
// deployment, whose API nodes keep tokens, accounts and the audit chain
// there (store.postgres.dsn; VIGIL_STORE_POSTGRES_DSN is the default).
// Empty: the data folder's files, as role all keeps them.
func postgresFlag(fs *flag.FlagSet) *string {
	return fs.String("postgres", os.Getenv("VIGIL_STORE_POSTGRES_DSN"),
		"DSN of the shared PostgreSQL database of a scaled-out deployment (store.postgres.dsn); empty: the data folder")
}

// openShared connects to the shared database, applying its migrations.
func openShared(dsn string) (*pgstore.DB, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := pgstore.Open(ctx, dsn, pgstore.Options{MaxConns: 2})
	if err != nil {
		return nil, fmt.Errorf("--postgres: %w", err)
	}
	return db, nil
}

// tokenStore is the token store of the data folder, or of the shared
// database when dsn is set; done closes it.
func tokenStore(data, dsn string) (s auth.TokenStore, done func(), err error) {
	if dsn == "" {
		return auth.OpenTokens(data), func() {}, nil
	}
	db, err := openShared(dsn)
	if err != nil {
		return nil, nil, err
	}
	return db.Tokens(), db.Close, nil
}

// userStore is the account store of the data folder, or of the shared
// database when dsn is set; done closes it.
func userStore(data, dsn string) (s auth.UserStore, done func(), err error) {
	if dsn == "" {
		return auth.OpenUsers(data, auth.DefaultArgon2), func() {}, nil
	}
	db, err := openShared(dsn)
	if err != nil {
		return nil, nil, err
	}
	return db.Users(auth.DefaultArgon2), db.Close, nil
}
