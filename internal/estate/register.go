package estate

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vigilhealth/vigil/internal/atomicfile"
)

// RegisterEntry is the record the Data Security and Protection Toolkit
// asks for on each unsupported system: why it is kept, how the risk is
// reduced, who owns it, when it is reviewed and when the board accepted
// it.
type RegisterEntry struct {
	Asset         string    // the asset's name
	Reason        string    // why it is kept ("runs the PACS modality software, no supported version")
	Mitigation    string    // segmentation, extended support, ...
	Owner         string    // who answers for the risk
	SupportEnd    time.Time // when support ends or ended
	Review        time.Time // next review
	BoardApproved time.Time // when the board accepted the risk; zero if not yet
}

// Register is the risk register for unsupported systems, one entry per
// asset.
type Register struct {
	Entries []RegisterEntry
}

// registerColumns are the register's fields, as YAML keys and CSV columns.
var registerColumns = []string{"asset", "reason", "mitigation", "owner", "support_end", "review", "board_approved"}

type entryYAML struct {
	Asset         string `yaml:"asset"`
	Reason        string `yaml:"reason,omitempty"`
	Mitigation    string `yaml:"mitigation,omitempty"`
	Owner         string `yaml:"owner,omitempty"`
	SupportEnd    string `yaml:"support_end,omitempty"`
	Review        string `yaml:"review,omitempty"`
	BoardApproved string `yaml:"board_approved,omitempty"`
}

func (e entryYAML) fields() []string {
	return []string{e.Asset, e.Reason, e.Mitigation, e.Owner, e.SupportEnd, e.Review, e.BoardApproved}
}

// entry checks and converts one record; its error names the field.
func (e entryYAML) entry() (RegisterEntry, error) {
	out := RegisterEntry{Asset: strings.TrimSpace(e.Asset), Reason: e.Reason, Mitigation: e.Mitigation, Owner: e.Owner}
	if out.Asset == "" {
		return out, errors.New("asset: empty (every entry names its asset)")
	}
	for _, d := range []struct {
		name string
		src  string
		dst  *time.Time
	}{{"support_end", e.SupportEnd, &out.SupportEnd}, {"review", e.Review, &out.Review}, {"board_approved", e.BoardApproved, &out.BoardApproved}} {
		if s := strings.TrimSpace(d.src); s != "" {
			t, err := parseDate(s)
			if err != nil {
				return out, fmt.Errorf("%s: %v", d.name, err)
			}
			*d.dst = t
		}
	}
	return out, nil
}

func toYAML(e RegisterEntry) entryYAML {
	return entryYAML{Asset: e.Asset, Reason: e.Reason, Mitigation: e.Mitigation, Owner: e.Owner,
		SupportEnd: formatDate(e.SupportEnd), Review: formatDate(e.Review), BoardApproved: formatDate(e.BoardApproved)}
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// isCSV tells the register's format by its file name.
func isCSV(path string) bool { return strings.EqualFold(filepath.Ext(path), ".csv") }

// LoadRegister reads a register from a YAML file (a mapping with a list
// under "entries") or, when the name ends in .csv, a CSV file with a
// header of registerColumns. All or nothing: a malformed entry refuses
// the file, naming its line and field.
func LoadRegister(path string) (*Register, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	if isCSV(path) {
		return ReadRegisterCSV(path, bytes.NewReader(data))
	}
	return ReadRegisterYAML(path, data)
}

// ReadRegisterYAML reads a register in YAML; name is used in errors.
func ReadRegisterYAML(name string, data []byte) (*Register, error) {
	var doc struct {
		Entries []yaml.Node `yaml:"entries"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &Register{}
	for _, n := range doc.Entries {
		var e entryYAML
		err := n.Decode(&e)
		var ent RegisterEntry
		if err == nil {
			ent, err = e.entry()
		}
		if err == nil {
			err = r.add(ent)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n.Line, err)
		}
	}
	return r, nil
}

// ReadRegisterCSV reads a register in CSV; name is used in errors.
func ReadRegisterCSV(name string, rd io.Reader) (*Register, error) {
	cr := csv.NewReader(rd)
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	pos := make(map[string]int)
	for i, h := range header {
		pos[strings.TrimSpace(strings.ToLower(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := pos["asset"]; !ok {
		return nil, fmt.Errorf("%s:1: header lacks column asset (columns: %s)", name, strings.Join(registerColumns, ","))
	}
	r := &Register{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return r, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		col := func(c string) string {
			if i, ok := pos[c]; ok {
				return rec[i]
			}
			return ""
		}
		ent, err := entryYAML{col("asset"), col("reason"), col("mitigation"), col("owner"), col("support_end"), col("review"), col("board_approved")}.entry()
		if err == nil {
			err = r.add(ent)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}

func (r *Register) add(e RegisterEntry) error {
	if r.Entry(e.Asset) != nil {
		return fmt.Errorf("asset %q has a second entry", e.Asset)
	}
	r.Entries = append(r.Entries, e)
	return nil
}

// Entry returns the entry for an asset (names compared as hosts are), or
// nil.
func (r *Register) Entry(asset string) *RegisterEntry {
	k := hostKey(asset)
	for i := range r.Entries {
		if hostKey(r.Entries[i].Asset) == k {
			return &r.Entries[i]
		}
	}
	return nil
}

// Save writes the register to path (CSV when it ends in .csv, else YAML)
// atomically: readers see the old file or the new, never a part.
func (r *Register) Save(path string) error {
	var buf bytes.Buffer
	if isCSV(path) {
		w := csv.NewWriter(&buf)
		w.Write(registerColumns)
		for _, e := range r.Entries {
			w.Write(toYAML(e).fields())
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return fmt.Errorf("register %s: %w", path, err)
		}
	} else {
		doc := struct {
			Entries []entryYAML `yaml:"entries"`
		}{}
		for _, e := range r.Entries {
			doc.Entries = append(doc.Entries, toYAML(e))
		}
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("register %s: %w", path, err)
		}
	}
	return atomicfile.Write(path, buf.Bytes(), 0o600)
}

// Sync brings the register up to date with findings: each asset out of
// support at its finding's date, or whose support ends within a year of
// it, gets an entry if it has none, and every entry takes the finding's
// end date. Entries are never removed: closing one is a decision for
// people.
func (r *Register) Sync(findings []Finding) {
	for _, f := range findings {
		if !f.EOLKnown || f.EOLDate.IsZero() && !f.EOL {
			continue
		}
		e := r.Entry(f.Name)
		if e == nil {
			if !f.EOL && f.EOLDate.After(f.At.AddDate(1, 0, 0)) {
				continue
			}
			r.Entries = append(r.Entries, RegisterEntry{Asset: f.Name, Owner: f.Owner})
			e = &r.Entries[len(r.Entries)-1]
		}
		if !f.EOLDate.IsZero() {
			e.SupportEnd = f.EOLDate
		}
	}
}

// Upcoming returns the entries whose support ends after at and no later
// than months later (6 and 12 for the board's view), soonest first.
func (r *Register) Upcoming(at time.Time, months int) []RegisterEntry {
	from := day(at)
	until := from.AddDate(0, months, 0)
	var out []RegisterEntry
	for _, e := range r.Entries {
		if e.SupportEnd.After(from) && !e.SupportEnd.After(until) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b RegisterEntry) int { return a.SupportEnd.Compare(b.SupportEnd) })
	return out
}

// Unapproved returns the entries for systems already out of support at at
// that the board has not approved, or whose review date has passed.
func (r *Register) Unapproved(at time.Time) []RegisterEntry {
	var out []RegisterEntry
	for _, e := range r.Entries {
		gone := !e.SupportEnd.IsZero() && ended(e.SupportEnd, at)
		if gone && (e.BoardApproved.IsZero() || !e.Review.IsZero() && ended(e.Review, at)) {
			out = append(out, e)
		}
	}
	return out
}
