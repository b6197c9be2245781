package estate

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/atomicfile"
)

// Feed files inside a data folder. <data>/feeds/CURRENT names the folder
// of the feeds in use; each update writes a new folder and then replaces
// CURRENT in one rename, so a reader sees the old feeds or the new, never
// a mix.
const (
	FeedsDir    = "feeds"
	currentFile = "CURRENT"
	kevFile     = "known_exploited_vulnerabilities.json"
	eolDir      = "endoflife"
)

// FeedPaths returns the KEV file and the end-of-life folder that the last
// InstallFeeds stored in the data folder.
func FeedPaths(dataDir string) (kevPath, eolPath string, err error) {
	base := filepath.Join(dataDir, FeedsDir)
	cur, err := os.ReadFile(filepath.Join(base, currentFile))
	if err != nil {
		return "", "", fmt.Errorf("no feeds in %s (run vigil estate update --kev FILE --eol DIR): %w", base, err)
	}
	name := strings.TrimSpace(string(cur))
	if name == "" || filepath.Base(name) != name {
		return "", "", fmt.Errorf("%s: names no feed folder", filepath.Join(base, currentFile))
	}
	dir := filepath.Join(base, name)
	return filepath.Join(dir, kevFile), filepath.Join(dir, eolDir), nil
}

// InstallFeeds checks the KEV file and the end-of-life folder (every
// product file must load) and copies them into dataDir's feeds folder,
// all or nothing. It returns the loaded feeds. The previous copy is kept
// until the next update, then removed.
func InstallFeeds(dataDir, kevPath, eolPath string) (*Checker, error) {
	kev, err := LoadKEV(kevPath)
	if err != nil {
		return nil, err
	}
	life, err := LoadLifecycles(eolPath)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dataDir, FeedsDir)
	if err := os.MkdirAll(base, 0o755); err != nil {
		return nil, err
	}
	name := "feeds-" + time.Now().UTC().Format("20060102T150405Z") + "-" + randomSuffix()
	dir := filepath.Join(base, name)
	if err := copyFeeds(dir, kevPath, eolPath); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	old, _ := os.ReadFile(filepath.Join(base, currentFile))
	if err := atomicfile.Write(filepath.Join(base, currentFile), []byte(name+"\n"), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	removeOlder(base, name, strings.TrimSpace(string(old)))
	return &Checker{Lifecycles: life, KEV: kev}, nil
}

func randomSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// copyFeeds copies the KEV file and the product files into dir, and
// makes them durable before CURRENT is pointed at dir.
func copyFeeds(dir, kevPath, eolPath string) error {
	if err := os.MkdirAll(filepath.Join(dir, eolDir), 0o755); err != nil {
		return err
	}
	if err := copyFile(kevPath, filepath.Join(dir, kevFile)); err != nil {
		return err
	}
	products, err := filepath.Glob(filepath.Join(eolPath, "*.md"))
	if err != nil {
		return err
	}
	for _, p := range products {
		if err := copyFile(p, filepath.Join(dir, eolDir, filepath.Base(p))); err != nil {
			return err
		}
	}
	// Both folders: dir holds the names of the KEV file and of eolDir,
	// which CURRENT will rely on once it names dir.
	if err := atomicfile.SyncDir(filepath.Join(dir, eolDir)); err != nil {
		return err
	}
	return atomicfile.SyncDir(dir)
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}

// removeOlder removes feed folders other than the current and the
// previous one (an update that failed half-way leaves a folder that
// CURRENT never named).
func removeOlder(base, current, previous string) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		if n := e.Name(); e.IsDir() && strings.HasPrefix(n, "feeds-") && n != current && n != previous {
			os.RemoveAll(filepath.Join(base, n))
		}
	}
}
