package auth

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"
)

// UsersFile is the local account store's file in the data folder.
const UsersFile = "users.json"

// MinPasswordLen is the shortest password AddUser accepts: NCSC guidance
// favours length (three random words) over composition rules.
const MinPasswordLen = 12

// User is one local account as stored.
type User struct {
	Name     string    `json:"name"`
	Role     Role      `json:"role"`
	Password string    `json:"password"` // argon2id, PHC string format
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled,omitempty"`
}

// Users is the local account store in one data folder. vigil user add
// writes it while the service runs; the service re-reads it when it changes.
type Users struct {
	path   string
	file   watched[userFile]
	params Argon2Params
	now    func() time.Time
	// check checks passwords: as long for unknown names, a bounded number
	// at once (each takes Memory KiB).
	check *PasswordChecker
}

// maxConcurrentChecks bounds concurrent argon2id checks (4 x 64 MiB).
const maxConcurrentChecks = 4

// OpenUsers returns the store of the data folder dir, hashing new
// passwords with p.
func OpenUsers(dir string, p Argon2Params) *Users {
	path := filepath.Join(dir, UsersFile)
	return &Users{
		path: path, file: watched[userFile]{path: path, parse: parseUserFile},
		params: p, now: time.Now, check: NewPasswordChecker(p),
	}
}

// Add creates an account, or with replace sets a new password and role
// for an existing one.
func (us *Users) Add(name string, role Role, password string, replace bool) error {
	u, err := NewUser(name, role, password, us.params, us.now())
	if err != nil {
		return err
	}
	return update(us.path, parseUserFile, encodeUserFile, func(f *userFile) error {
		for i := range f.Users {
			if f.Users[i].Name == name {
				if !replace {
					return fmt.Errorf("user %q exists already: use --replace to set a new password or role", name)
				}
				f.Users[i] = u
				return nil
			}
		}
		f.Users = append(f.Users, u)
		return nil
	})
}

// Exists reports whether an account named name is stored; an error means
// the store is unreadable.
func (us *Users) Exists(name string) (bool, error) {
	f, err := us.file.current()
	_, ok := f.byName[name]
	return ok, err
}

// Authenticate checks a name and password; ok is false for an unknown
// name, a disabled account or a wrong password alike, and takes the same
// time for each. An error means the store or a stored hash is unreadable.
func (us *Users) Authenticate(name, password string) (u User, ok bool, err error) {
	f, ferr := us.file.current()
	u, found := f.byName[name]
	if !found {
		u.Name = name
	}
	if u, ok, err = us.check.Check(u, found, password); err != nil {
		return User{}, false, err
	}
	return u, ok, ferr
}

// userFile is the JSON document of UsersFile.
type userFile struct {
	Version int    `json:"version"`
	Users   []User `json:"users"`
	byName  map[string]User
}

func parseUserFile(data []byte) (userFile, error) {
	f := userFile{Version: fileVersion, byName: map[string]User{}}
	if empty, err := decodeStore(data, &f, &f.Version, "users file"); empty || err != nil {
		return f, err
	}
	f.byName = make(map[string]User, len(f.Users))
	for i, u := range f.Users {
		if _, err := ParseRole(string(u.Role)); err != nil {
			return f, fmt.Errorf("users[%d] field role: %w", i, err)
		}
		if _, _, _, err := parsePHC(u.Password); err != nil {
			return f, fmt.Errorf("users[%d] field password: %w", i, err)
		}
		if _, dup := f.byName[u.Name]; dup {
			return f, fmt.Errorf("users[%d] field name: %q used twice", i, u.Name)
		}
		f.byName[u.Name] = u
	}
	return f, nil
}

func encodeUserFile(f userFile) ([]byte, error) {
	f.Version = fileVersion
	if f.Users == nil {
		f.Users = []User{}
	}
	out, err := json.MarshalIndent(f, "", "  ")
	return append(out, '\n'), err
}
