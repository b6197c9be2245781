package estate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/vigilhealth/vigil/internal/atomicfile"
)

// LearnedFile is where vigil serve keeps the assets its inventory learned
// from events, inside the data folder, for the board pack to read.
const LearnedFile = "estate/learned.json"

// learnedDoc is LearnedFile's content: the single process's assets (node
// "") in assets, as the file has always held them, and those of other
// nodes by name (a FileStore shared by several, as the tests do).
type learnedDoc struct {
	Assets []Asset            `json:"assets"`
	Nodes  map[string][]Asset `json:"nodes,omitempty"`
}

// SaveLearned writes the assets vigil serve learned from events into the
// data folder, atomically, as node "" (the single process); assets other
// nodes saved in the file are kept.
func SaveLearned(dataDir string, assets []Asset) error {
	return saveNodeLearned(dataDir, "", assets)
}

// saveNodeLearned replaces node's assets in the file: read, changed and
// written back whole. The caller serialises saves to one folder.
func saveNodeLearned(dataDir, node string, assets []Asset) error {
	doc, _, err := readLearned(dataDir)
	if err != nil {
		return err
	}
	if assets == nil {
		assets = []Asset{}
	}
	if node == "" {
		doc.Assets = assets
	} else {
		if doc.Nodes == nil {
			doc.Nodes = map[string][]Asset{}
		}
		doc.Nodes[node] = assets
	}
	if doc.Assets == nil {
		doc.Assets = []Asset{}
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("learned assets: %w", err)
	}
	path := learnedPath(dataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// LoadLearned reads the assets vigil serve learned, every node's merged
// per host (MergeLearned: node "" first, then the others by name); ok is
// false when the data folder holds none.
func LoadLearned(dataDir string) (assets []Asset, ok bool, err error) {
	doc, ok, err := readLearned(dataDir)
	if err != nil || !ok {
		return nil, ok, err
	}
	lists := [][]Asset{doc.Assets}
	for _, node := range slices.Sorted(maps.Keys(doc.Nodes)) {
		lists = append(lists, doc.Nodes[node])
	}
	return MergeLearned(lists...), true, nil
}

func learnedPath(dataDir string) string {
	return filepath.Join(dataDir, filepath.FromSlash(LearnedFile))
}

// readLearned reads LearnedFile; ok is false (and the document empty) when
// there is none.
func readLearned(dataDir string) (doc learnedDoc, ok bool, err error) {
	path := learnedPath(dataDir)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return doc, false, nil
	}
	if err != nil {
		return doc, false, err
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return doc, false, fmt.Errorf("%s: %w", path, err)
	}
	return doc, true, nil
}
