package estate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// RegisterFile is the risk register's place inside a data folder, where
// vigil estate register keeps it and the board pack reads it.
const RegisterFile = "estate/register.yaml"

// RegisterPath returns the register's path inside a data folder.
func RegisterPath(dataDir string) string {
	return filepath.Join(dataDir, filepath.FromSlash(RegisterFile))
}

// OpenRegister reads the data folder's register; a folder without one
// gives an empty register, and ok false.
func OpenRegister(dataDir string) (r *Register, ok bool, err error) {
	path := RegisterPath(dataDir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return &Register{}, false, nil
	}
	r, err = LoadRegister(path)
	return r, err == nil, err
}

// SaveRegister writes the register into the data folder, atomically.
func SaveRegister(dataDir string, r *Register) error {
	path := RegisterPath(dataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return r.Save(path)
}
