package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/pgstore"
)

// envDSN is the environment variable that gives --postgres its default,
// as it gives vigil serve its store.postgres.dsn.
const envDSN = "VIGIL_STORE_POSTGRES_DSN"

// storeFlags are --data and --postgres: a command's stores are in the data
// folder of vigil serve (role all), or in the shared PostgreSQL database
// of a scaled-out deployment, whose API nodes keep tokens, accounts,
// evidence, people and the audit chain there (store.postgres.dsn;
// VIGIL_STORE_POSTGRES_DSN is the default).
type storeFlags struct {
	fs        *flag.FlagSet
	data, dsn string
}

// addStoreFlags adds --data (dataDefault; dataUsage says what it holds)
// and --postgres to fs.
func addStoreFlags(fs *flag.FlagSet, dataDefault, dataUsage string) *storeFlags {
	s := &storeFlags{fs: fs}
	fs.StringVar(&s.data, "data", dataDefault, dataUsage)
	fs.StringVar(&s.dsn, "postgres", os.Getenv(envDSN),
		"DSN of the shared PostgreSQL database of a scaled-out deployment (store.postgres.dsn; default "+envDSN+"); empty: the data folder")
	return s
}

// choose says, once fs is parsed, where the stores are: the data folder
// when dsn is empty, else the shared database. A flag given on the
// command line wins over a default taken from the environment: --data
// given without --postgres means the data folder even when
// VIGIL_STORE_POSTGRES_DSN is set (said in one line on stderr). Both given
// is a usage error, unless withData: then the data folder holds files read
// alongside the database (a report's CAF and feeds). data is the default
// folder when --data was not given.
func (s *storeFlags) choose(stderr io.Writer, withData bool) (data, dsn string, err error) {
	// --data '' names no folder: it is as if not given.
	dataGiven, dsnGiven := flagGiven(s.fs, "data") && s.data != "", flagGiven(s.fs, "postgres")
	switch {
	case s.dsn == "":
		return s.data, "", nil
	case dataGiven && !dsnGiven:
		fmt.Fprintf(stderr, "vigil %s: using the data folder %s that --data gives, not the database %s names\n", s.fs.Name(), s.data, envDSN)
		return s.data, "", nil
	case dataGiven && !withData:
		return "", "", usageErr("give --data or --postgres, not both")
	}
	return s.data, s.dsn, nil
}

// flagGiven reports whether the flag named was given on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
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
