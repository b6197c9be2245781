package estate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"
)

// Catalog is the CISA Known Exploited Vulnerabilities catalogue.
type Catalog struct {
	Title    string
	Version  string    // catalogVersion, such as "2025.08.25"
	Released time.Time // dateReleased
	Vulns    []Vuln    // sorted by CVE year and number

	index map[string][]int // vendor key → positions in Vulns, built by index()
	terms [][]productTerm  // per Vuln: the product names it stands for
}

// Vuln is one entry of the catalogue.
type Vuln struct {
	CVE         string    // cveID
	Vendor      string    // vendorProject
	Product     string    // product
	Name        string    // vulnerabilityName
	Description string    // shortDescription
	Action      string    // requiredAction
	Added       time.Time // dateAdded
	Due         time.Time // dueDate
	Ransomware  bool      // knownRansomwareCampaignUse is "Known"
	CWEs        []string
	Notes       string
}

type catalogJSON struct {
	Title           string     `json:"title"`
	CatalogVersion  *string    `json:"catalogVersion"`
	DateReleased    *string    `json:"dateReleased"`
	Count           *int       `json:"count"`
	Vulnerabilities []vulnJSON `json:"vulnerabilities"`
}

type vulnJSON struct {
	CVE         string   `json:"cveID"`
	Vendor      string   `json:"vendorProject"`
	Product     string   `json:"product"`
	Name        string   `json:"vulnerabilityName"`
	Added       string   `json:"dateAdded"`
	Description string   `json:"shortDescription"`
	Action      string   `json:"requiredAction"`
	Due         string   `json:"dueDate"`
	Ransomware  string   `json:"knownRansomwareCampaignUse"`
	Notes       string   `json:"notes"`
	CWEs        []string `json:"cwes"`
}

var cveRe = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)

// LoadKEV reads the catalogue file at path; see ParseKEV.
func LoadKEV(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("KEV catalogue: %w", err)
	}
	return ParseKEV(path, data)
}

// ParseKEV reads a catalogue in CISA's JSON schema. It checks what the
// schema requires (catalogVersion, dateReleased, count equal to the number
// of entries; each cveID as CVE-YYYY-NNNN, dates as YYYY-MM-DD,
// knownRansomwareCampaignUse "Known" or "Unknown") and refuses the whole
// file on the first error, naming name, the line and byte offset, and the
// entry.
func ParseKEV(name string, data []byte) (*Catalog, error) {
	var raw catalogJSON
	if err := decodeStrict(data, &raw); err != nil {
		return nil, jsonError(name, data, err)
	}
	if raw.CatalogVersion == nil || raw.DateReleased == nil || raw.Count == nil || raw.Vulnerabilities == nil {
		return nil, fmt.Errorf("%s: not a KEV catalogue: want catalogVersion, dateReleased, count and vulnerabilities", name)
	}
	if *raw.Count != len(raw.Vulnerabilities) {
		return nil, fmt.Errorf("%s: count is %d but the catalogue lists %d vulnerabilities", name, *raw.Count, len(raw.Vulnerabilities))
	}
	c := &Catalog{Title: raw.Title, Version: *raw.CatalogVersion}
	if t, err := time.Parse(time.RFC3339Nano, *raw.DateReleased); err == nil {
		c.Released = t.UTC()
	} else {
		return nil, fmt.Errorf("%s: dateReleased %q is not a date-time", name, *raw.DateReleased)
	}
	c.Vulns = make([]Vuln, 0, len(raw.Vulnerabilities))
	for i, v := range raw.Vulnerabilities {
		vu, err := v.vuln()
		if err != nil {
			return nil, fmt.Errorf("%s: vulnerabilities[%d] (%s): %w", name, i, v.CVE, err)
		}
		c.Vulns = append(c.Vulns, vu)
	}
	sortVulns(c.Vulns)
	c.buildIndex()
	return c, nil
}

func (v vulnJSON) vuln() (Vuln, error) {
	if !cveRe.MatchString(v.CVE) {
		return Vuln{}, fmt.Errorf("cveID %q is not CVE-YYYY-NNNN", v.CVE)
	}
	if v.Vendor == "" && v.Product == "" {
		return Vuln{}, errors.New("no vendorProject or product")
	}
	out := Vuln{CVE: v.CVE, Vendor: v.Vendor, Product: v.Product, Name: v.Name, Description: v.Description,
		Action: v.Action, Notes: v.Notes, CWEs: v.CWEs}
	var err error
	if out.Added, err = parseDate(v.Added); err != nil {
		return Vuln{}, fmt.Errorf("dateAdded: %w", err)
	}
	if v.Due != "" {
		if out.Due, err = parseDate(v.Due); err != nil {
			return Vuln{}, fmt.Errorf("dueDate: %w", err)
		}
	}
	switch v.Ransomware {
	case "Known":
		out.Ransomware = true
	case "Unknown", "":
	default:
		return Vuln{}, fmt.Errorf("knownRansomwareCampaignUse %q is not Known or Unknown", v.Ransomware)
	}
	return out, nil
}

// decodeStrict decodes one JSON value and refuses anything after it.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &trailingError{offset: dec.InputOffset()}
	}
	return nil
}

type trailingError struct{ offset int64 }

func (e *trailingError) Error() string { return "data after the end of the JSON value" }

// jsonError names the file, line and byte offset of a JSON error.
func jsonError(name string, data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var trail *trailingError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	case errors.As(err, &trail):
		off = trail.offset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(data))
	}
	if off < 0 {
		return fmt.Errorf("%s: %w", name, err)
	}
	off = min(off, int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	return fmt.Errorf("%s:%d: byte %d: %w", name, line, off, err)
}
