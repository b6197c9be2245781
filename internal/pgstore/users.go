package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/auth"
)

// Users is the local account store in PostgreSQL (auth.UserStore), shared
// by every API node: an account added or changed on one holds on all.
type Users struct {
	db     *DB
	params auth.Argon2Params
	check  *auth.PasswordChecker
	now    func() time.Time
}

var _ auth.UserStore = (*Users)(nil)

// Users returns the DB's account store, hashing new passwords with p.
func (db *DB) Users(p auth.Argon2Params) *Users {
	return &Users{db: db, params: p, check: auth.NewPasswordChecker(p), now: time.Now}
}

// Add implements auth.UserStore.
func (us *Users) Add(name string, role auth.Role, password string, replace bool) error {
	u, err := auth.NewUser(name, role, password, us.params, us.now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	sql := `INSERT INTO auth_users (name, role, password, created) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`
	if replace {
		// A replaced account keeps its place in the list, as in the file.
		sql = `INSERT INTO auth_users (name, role, password, created) VALUES ($1, $2, $3, $4)
			ON CONFLICT (name) DO UPDATE SET role = $2, password = $3, created = $4, disabled = false`
	}
	tag, err := us.db.pool.Exec(ctx, sql, u.Name, string(u.Role), u.Password, u.Created)
	if err != nil {
		return fmt.Errorf("pgstore: add user %q: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %q exists already: use --replace to set a new password or role", name)
	}
	return nil
}

// Exists implements auth.UserStore.
func (us *Users) Exists(name string) (bool, error) {
	_, found, err := us.get(name)
	return found, err
}

// get reads one account.
func (us *Users) get(name string) (auth.User, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	rows, err := us.db.pool.Query(ctx, userColumns+" WHERE name = $1", name)
	if err != nil {
		return auth.User{}, false, fmt.Errorf("pgstore: read user %q: %w", name, err)
	}
	list, err := pgx.CollectRows(rows, scanUser)
	if err != nil || len(list) == 0 {
		if err != nil {
			err = fmt.Errorf("pgstore: read user %q: %w", name, err)
		}
		return auth.User{Name: name}, false, err
	}
	return list[0], true, nil
}

// Authenticate implements auth.UserStore. A database that does not answer
// refuses the login, after as long as a check.
func (us *Users) Authenticate(name, password string) (auth.User, bool, error) {
	u, found, err := us.get(name)
	u, ok, cerr := us.check.Check(u, found, password)
	if err != nil || cerr != nil || !ok {
		return auth.User{}, false, errors.Join(err, cerr)
	}
	return u, true, nil
}

const userColumns = `SELECT name, role, password, created, disabled FROM auth_users`

func scanUser(row pgx.CollectableRow) (auth.User, error) {
	var u auth.User
	var role string
	err := row.Scan(&u.Name, &role, &u.Password, &u.Created, &u.Disabled)
	u.Role, u.Created = auth.Role(role), u.Created.UTC()
	return u, err
}

// List implements auth.UserStore: in the order added, without hashes.
func (us *Users) List() ([]auth.User, error) {
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	rows, err := us.db.pool.Query(ctx, userColumns+" ORDER BY added")
	if err != nil {
		return nil, fmt.Errorf("pgstore: list users: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list users: %w", err)
	}
	for i := range list {
		list[i].Password = ""
	}
	return list, nil
}

// SetPassword implements auth.UserStore.
func (us *Users) SetPassword(name, password string) error {
	if err := auth.CheckNewPassword(password); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	tag, err := us.db.pool.Exec(ctx, "UPDATE auth_users SET password = $2 WHERE name = $1", name, auth.HashPassword(password, us.params))
	if err != nil {
		return fmt.Errorf("pgstore: set the password of %q: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("no local account named %q", name)
	}
	return nil
}
