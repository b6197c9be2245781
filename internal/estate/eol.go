package estate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Product is one product file of the endoflife.date data: its names and
// its release cycles, newest first as the file lists them.
type Product struct {
	Name      string   // the file name without ".md", endoflife.date's id ("windows-server")
	Title     string   // "Microsoft Windows Server"
	Category  string   // "os", "lang", "server-app", ...
	Permalink string   // "windows-server" (without the slash)
	Aliases   []string // alternate URLs, without slashes ("windowsserver")
	CPEs      []string // CPE identifiers, as given
	Releases  []Release
}

// Release is one release cycle of a product.
type Release struct {
	Cycle        string    // releaseCycle: "10-22h2", "2012-r2", "7.4"
	Label        string    // releaseLabel, when the file gives one ("10 22H2")
	ReleaseDate  time.Time // zero when not given
	EOL          Phase     // end of security support
	EOAS         Phase     // end of active support (bug fixes)
	EOES         Phase     // end of extended (paid) support, such as Windows ESU
	LTS          Phase     // long-term support: true, or the date it became LTS
	Discontinued Phase     // hardware no longer sold
	Latest       string    // the latest version in the cycle
	Line         int       // line of the release in its file, for messages
}

// Phase is a support date from the feed, which gives either a date or, when
// the date is not known or does not apply, true (over) or false (not over).
type Phase struct {
	Date time.Time // the last day, or zero when the feed gives a boolean
	Over bool      // the feed's boolean; true also when Date is set
	Set  bool      // the key was present
}

// Ended reports whether the phase is over at at, and whether that is known:
// a date is compared with at; a boolean is taken as given; an absent key is
// not known.
func (p Phase) Ended(at time.Time) (over, known bool) {
	switch {
	case !p.Date.IsZero():
		return ended(p.Date, at), true
	case p.Set:
		return p.Over, true
	}
	return false, false
}

// UnmarshalYAML reads a date or a boolean, naming the line of a bad value.
func (p *Phase) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a date or true/false", n.Line)
	}
	ph, err := parsePhase(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*p = ph
	return nil
}

// parsePhase reads "true", "false" (in any case) or a date.
func parsePhase(s string) (Phase, error) {
	switch strings.ToLower(s) {
	case "true":
		return Phase{Over: true, Set: true}, nil
	case "false":
		return Phase{Set: true}, nil
	}
	d, err := parseDate(s)
	if err != nil {
		return Phase{}, err
	}
	return Phase{Date: d, Over: true, Set: true}, nil
}

// frontMatter is the part of a product file that Vigil reads.
type frontMatter struct {
	Title       string              `yaml:"title"`
	Category    string              `yaml:"category"`
	Permalink   string              `yaml:"permalink"`
	Alternates  []string            `yaml:"alternate_urls"`
	Identifiers []map[string]string `yaml:"identifiers"`
	Releases    []releaseYAML       `yaml:"releases"`
}

type releaseYAML struct {
	Cycle        string `yaml:"releaseCycle"`
	Label        string `yaml:"releaseLabel"`
	ReleaseDate  Phase  `yaml:"releaseDate"`
	EOL          Phase  `yaml:"eol"`
	EOAS         Phase  `yaml:"eoas"`
	EOES         Phase  `yaml:"eoes"`
	LTS          Phase  `yaml:"lts"`
	Discontinued Phase  `yaml:"discontinued"`
	Latest       string `yaml:"latest"`
}

// ParseProduct reads one endoflife.date product file: Markdown whose YAML
// front matter, between "---" lines, holds the releases. path names the
// file in errors and gives the product's Name. Errors carry the file's
// line number.
func ParseProduct(path string, data []byte) (*Product, error) {
	fm, first, err := splitFrontMatter(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	raw, lines, ok := readFrontMatterFast(fm)
	if !ok {
		if raw, lines, err = readFrontMatterYAML(fm); err != nil {
			return nil, fmt.Errorf("%s: %w", path, shiftLines(err, first-1))
		}
	}
	return buildProduct(path, raw, lines, first)
}

// readFrontMatterYAML reads the front matter with the full YAML parser,
// which also gives the line numbers of errors; lines holds the
// front-matter line of each release.
func readFrontMatterYAML(fm []byte) (raw frontMatter, lines []int, err error) {
	var root yaml.Node
	if err = yaml.Unmarshal(fm, &root); err == nil {
		err = root.Decode(&raw)
	}
	if err != nil {
		return frontMatter{}, nil, err
	}
	return raw, releaseLines(&root), nil
}

// buildProduct checks the front matter and makes the Product; first is
// the file line on which the front matter starts.
func buildProduct(path string, raw frontMatter, lines []int, first int) (*Product, error) {
	p := &Product{
		Name:      strings.TrimSuffix(filepath.Base(path), ".md"),
		Title:     raw.Title,
		Category:  raw.Category,
		Permalink: strings.Trim(raw.Permalink, "/"),
	}
	for _, a := range raw.Alternates {
		p.Aliases = append(p.Aliases, strings.Trim(a, "/"))
	}
	for _, id := range raw.Identifiers {
		if c := id["cpe"]; c != "" {
			p.CPEs = append(p.CPEs, c)
		}
	}
	for i, r := range raw.Releases {
		line := first
		if i < len(lines) {
			line += lines[i] - 1
		}
		if r.Cycle == "" {
			return nil, fmt.Errorf("%s:%d: release without releaseCycle", path, line)
		}
		p.Releases = append(p.Releases, Release{
			Cycle: r.Cycle, Label: r.Label, ReleaseDate: r.ReleaseDate.Date,
			EOL: r.EOL, EOAS: r.EOAS, EOES: r.EOES, LTS: r.LTS, Discontinued: r.Discontinued,
			Latest: r.Latest, Line: line,
		})
	}
	return p, nil
}

// splitFrontMatter returns the YAML between the opening "---" line and the
// next "---" line, and the file line on which that YAML starts.
func splitFrontMatter(data []byte) ([]byte, int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	rest, ok := cutLine(data, "---")
	if !ok {
		return nil, 0, errors.New("line 1: want front matter starting with a \"---\" line")
	}
	body := rest
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		next := len(body)
		if end >= 0 {
			next = off + end + 1
		}
		if string(bytes.TrimRight(body[off:next], "\r\n \t")) == "---" {
			return body[:off], 2, nil
		}
		off = next
	}
	return nil, 0, errors.New("front matter has no closing \"---\" line")
}

// cutLine removes a first line equal to want (ignoring trailing blanks).
func cutLine(data []byte, want string) ([]byte, bool) {
	line, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(bytes.TrimRight(line, "\r \t")) != want {
		return nil, false
	}
	return rest, true
}

// releaseLines returns the front-matter line of each release, in order,
// so that a bad release can be named by its line.
func releaseLines(root *yaml.Node) []int {
	var lines []int
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return lines
	}
	m := root.Content[0].Content
	for i := 0; i+1 < len(m); i += 2 {
		if m[i].Value == "releases" {
			for _, n := range m[i+1].Content {
				lines = append(lines, n.Line)
			}
		}
	}
	return lines
}

var lineRef = regexp.MustCompile(`line (\d+)`)

// shiftLines turns line numbers in a YAML error, which count from the start
// of the front matter, into line numbers of the file.
func shiftLines(err error, by int) error {
	msg := lineRef.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, _ := strconv.Atoi(m[len("line "):])
		return "line " + strconv.Itoa(n+by)
	})
	return errors.New(msg)
}

// LoadLifecycles reads every product file (*.md) in dir. It is all or
// nothing: any unreadable or malformed file fails the load, and the error
// lists every bad file with its line.
func LoadLifecycles(dir string) (*Lifecycles, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, fmt.Errorf("end-of-life data %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("end-of-life data %s: no product files (*.md)", dir)
	}
	var products []*Product
	var errs []error
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err == nil {
			var p *Product
			if p, err = ParseProduct(path, data); err == nil {
				products = append(products, p)
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("end-of-life data %s: %d of %d files refused: %w", dir, len(errs), len(paths), errors.Join(errs...))
	}
	return NewLifecycles(products), nil
}

// sortProducts orders products by name.
func sortProducts(ps []*Product) {
	slices.SortFunc(ps, func(a, b *Product) int { return strings.Compare(a.Name, b.Name) })
}
