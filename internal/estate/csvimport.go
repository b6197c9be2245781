package estate

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
)

// RequiredColumns are the columns an asset CSV must have.
var RequiredColumns = []string{"name", "vendor", "product", "version"}

// OptionalColumns are the other columns ReadAssetsCSV reads; any further
// column is ignored.
var OptionalColumns = []string{"os", "os_version", "ip", "owner", "location", "support_end"}

// LoadAssetsCSV reads the asset CSV file at path; see ReadAssetsCSV.
func LoadAssetsCSV(path string) ([]Asset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	defer f.Close()
	return ReadAssetsCSV(path, f)
}

// ReadAssetsCSV reads assets from CSV with a header row (column names in
// any case, blanks as "_"). The header must have RequiredColumns; of the
// rest, OptionalColumns are read and others ignored. Each asset needs a
// name; ip must be an IP address and support_end a date (YYYY-MM-DD).
// It is all or nothing: on the first malformed line it returns no assets
// and an error naming name, the line, the column and the reason.
func ReadAssetsCSV(name string, r io.Reader) ([]Asset, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // counted below, to say how many fields were expected
	header, err := cr.Read()
	header = slices.Clone(header) // the reader reuses its record
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file: want a header row with %s", name, strings.Join(RequiredColumns, ","))
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	cols, err := columnIndex(header)
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w", name, err)
	}
	var assets []Asset
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return assets, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s:%d: %d fields, but the header has %d", name, line, len(rec), len(header))
		}
		a, err := cols.asset(rec)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		a.Sources = []string{name + ":" + strconv.Itoa(line)}
		assets = append(assets, a)
	}
}

// csvError names the file, line and column of a CSV syntax error.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: column %d: %w", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// columns maps each known column name to its position.
type columns map[string]int

func columnIndex(header []string) (columns, error) {
	cols := make(columns)
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		k := strings.Join(strings.Fields(strings.ToLower(h)), "_")
		if _, dup := cols[k]; dup && k != "" {
			return nil, fmt.Errorf("column %q appears twice in the header", k)
		}
		cols[k] = i
	}
	var missing []string
	for _, c := range RequiredColumns {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("header lacks required column(s) %s (want at least %s)", strings.Join(missing, ", "), strings.Join(RequiredColumns, ","))
	}
	return cols, nil
}

func (c columns) get(rec []string, col string) string {
	if i, ok := c[col]; ok && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// asset reads one record.
func (c columns) asset(rec []string) (Asset, error) {
	a := Asset{
		Name: c.get(rec, "name"), Vendor: c.get(rec, "vendor"), Product: c.get(rec, "product"),
		Version: c.get(rec, "version"), OS: c.get(rec, "os"), OSVersion: c.get(rec, "os_version"),
		IP: c.get(rec, "ip"), Owner: c.get(rec, "owner"), Location: c.get(rec, "location"),
	}
	if a.Name == "" {
		return Asset{}, errors.New("column name: empty (every asset needs a name)")
	}
	if a.IP != "" {
		if _, err := netip.ParseAddr(a.IP); err != nil {
			return Asset{}, fmt.Errorf("column ip: %q is not an IP address", a.IP)
		}
	}
	if s := c.get(rec, "support_end"); s != "" {
		d, err := parseDate(s)
		if err != nil {
			return Asset{}, fmt.Errorf("column support_end: %v", err)
		}
		a.SupportEnd = d
	}
	return a, nil
}
