package estate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vigilhealth/vigil/internal/atomicfile"
)

// LearnedFile is where vigil serve keeps the assets its inventory learned
// from events, inside the data folder, for the board pack to read.
const LearnedFile = "estate/learned.json"

// SaveLearned writes the assets learned from events into the data folder,
// atomically.
func SaveLearned(dataDir string, assets []Asset) error {
	path := filepath.Join(dataDir, filepath.FromSlash(LearnedFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if assets == nil {
		assets = []Asset{}
	}
	data, err := json.Marshal(struct {
		Assets []Asset `json:"assets"`
	}{assets})
	if err != nil {
		return fmt.Errorf("learned assets: %w", err)
	}
	return atomicfile.Write(path, data, 0o600)
}

// LoadLearned reads the assets vigil serve learned; ok is false when the
// data folder holds none.
func LoadLearned(dataDir string) (assets []Asset, ok bool, err error) {
	path := filepath.Join(dataDir, filepath.FromSlash(LearnedFile))
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var doc struct {
		Assets []Asset `json:"assets"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Assets, true, nil
}
