package auth

import (
	"fmt"
)

// List returns every local account in the order they were added, with
// the password hashes left out: whoever lists accounts has no use for
// them.
func (us *Users) List() ([]User, error) {
	f, err := us.file.current()
	out := make([]User, len(f.Users))
	for i, u := range f.Users {
		u.Password = ""
		out[i] = u
	}
	return out, err
}

// SetPassword gives the existing account name a new password, keeping its
// role and creation time (an administrator's password reset).
func (us *Users) SetPassword(name, password string) error {
	if err := CheckNewPassword(password); err != nil {
		return err
	}
	hash := HashPassword(password, us.params)
	return update(us.path, parseUserFile, encodeUserFile, func(f *userFile) error {
		for i := range f.Users {
			if f.Users[i].Name == name {
				f.Users[i].Password = hash
				return nil
			}
		}
		return fmt.Errorf("no local account named %q", name)
	})
}
