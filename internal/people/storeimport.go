package people

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ImportFiles names the files an import reads; a part left empty keeps
// what the store already holds.
type ImportFiles struct {
	Staff    string   // staff directory CSV: replaces the directory
	Training string   // training records CSV: replaces the records
	GoPhish  []string // GoPhish results, CSV or JSON (by the name's .json): each campaign replaces one of the same name
}

// ImportSummary says what an import brought in.
type ImportSummary struct {
	Staff     int `json:"staff"`
	Training  int `json:"training"`
	Unmatched int `json:"unmatched"` // training records naming no one in the directory
	Campaigns int `json:"campaigns"`
}

// Import reads every file named and, only when all of them are well
// formed, lays them over what the DataStore holds and saves the result in
// one write, all or nothing. A malformed file refuses the whole import
// with an *ImportError naming the file, the line and the reason, and
// nothing is changed.
func (s *Store) Import(ctx context.Context, files ImportFiles, now time.Time) (ImportSummary, error) {
	next, sum, err := readImport(files, now)
	if err != nil {
		return sum, err
	}
	s.write.Lock()
	defer s.write.Unlock()
	// Merge with what the DataStore holds rather than what this Store
	// read when made: another node may have imported since.
	cur, err := s.ds.LoadImported(ctx)
	if err != nil {
		return sum, fmt.Errorf("import: %w", err)
	}
	merged := mergeImport(cur, next, files)
	built, err := buildImports(merged)
	if err != nil {
		return sum, err
	}
	gen, err := s.ds.SaveImported(ctx, merged)
	if err != nil {
		return sum, fmt.Errorf("import: %w", err)
	}
	built.data.Generation = gen
	s.swap(built)
	sum.Staff, sum.Training, sum.Campaigns = len(merged.Staff), len(merged.Training), len(merged.Campaigns)
	if built.directory != nil {
		sum.Unmatched = len(NewTraining(built.directory, merged.Training).Unmatched())
	}
	return sum, nil
}

// readImport reads the named files; nothing is kept unless all are good.
func readImport(files ImportFiles, now time.Time) (Imported, ImportSummary, error) {
	im := Imported{At: now.UTC()}
	var sum ImportSummary
	if files.Staff == "" && files.Training == "" && len(files.GoPhish) == 0 {
		return im, sum, fmt.Errorf("import: no file named")
	}
	if files.Staff != "" {
		d, err := readFile(files.Staff, ReadStaffCSV)
		if err != nil {
			return im, sum, err
		}
		im.Staff, im.StaffFile = d.People(), filepath.Base(files.Staff)
	}
	if files.Training != "" {
		recs, err := readFile(files.Training, ReadTrainingCSV)
		if err != nil {
			return im, sum, err
		}
		im.Training, im.TrainingFile = recs, filepath.Base(files.Training)
	}
	for _, g := range files.GoPhish {
		cs, err := readGoPhishFile(g)
		if err != nil {
			return im, sum, err
		}
		im.Campaigns = append(im.Campaigns, cs...)
	}
	return im, sum, nil
}

// readFile opens path and reads it with read, which names path in errors.
func readFile[T any](path string, read func(r io.Reader, file string) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, &ImportError{File: path, Reason: err.Error()}
	}
	defer f.Close()
	return read(f, path)
}

// readGoPhishFile reads GoPhish results: the API's JSON when the name
// ends in .json, else the results CSV, whose campaign is named after the
// file.
func readGoPhishFile(path string) ([]Campaign, error) {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return readFile(path, func(f io.Reader, name string) ([]Campaign, error) { return ReadGoPhishJSON(f, name) })
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	c, err := readFile(path, func(f io.Reader, file string) (Campaign, error) { return ReadGoPhishCSV(f, file, name) })
	if err != nil {
		return nil, err
	}
	return []Campaign{c}, nil
}

// mergeImport lays what was read over what the store holds.
func mergeImport(old, next Imported, files ImportFiles) Imported {
	out := old
	out.At = next.At
	if files.Staff != "" {
		out.Staff, out.StaffFile = next.Staff, next.StaffFile
	}
	if files.Training != "" {
		out.Training, out.TrainingFile = next.Training, next.TrainingFile
	}
	campaigns := append([]Campaign(nil), old.Campaigns...)
	for _, c := range next.Campaigns {
		replaced := false
		for i := range campaigns {
			if campaigns[i].Name == c.Name {
				campaigns[i], replaced = c, true
			}
		}
		if !replaced {
			campaigns = append(campaigns, c)
		}
	}
	out.Campaigns = campaigns
	return out
}
