package estate

import (
	"regexp"
	"strings"
)

// Lifecycles is the loaded end-of-life data, indexed by the names a product
// goes by. It is read-only once built and safe for concurrent use.
type Lifecycles struct {
	Products []*Product // by Name
	index    map[string]*Product
}

// NewLifecycles indexes products by name, permalink, alternate URLs, title
// and CPE names. Where two products claim the same name at the same
// strength, the name is left out rather than given to either.
func NewLifecycles(products []*Product) *Lifecycles {
	ps := append([]*Product(nil), products...)
	sortProducts(ps)
	l := &Lifecycles{Products: ps, index: make(map[string]*Product)}
	for tier := range 3 {
		claims := make(map[string]*Product)
		ambiguous := make(map[string]bool)
		for _, p := range ps {
			for _, k := range productKeys(p, tier) {
				if q, ok := claims[k]; ok && q != p {
					ambiguous[k] = true
				}
				claims[k] = p
			}
		}
		for k, p := range claims {
			if _, taken := l.index[k]; !taken && !ambiguous[k] {
				l.index[k] = p
			}
		}
	}
	return l
}

// productKeys lists the slugs a product is known by, strongest (tier 0:
// its own ids) to weakest (tier 2: title without its first word, CPE
// product without vendor).
func productKeys(p *Product, tier int) []string {
	var keys []string
	switch tier {
	case 0:
		keys = append(keys, p.Name, p.Permalink)
		keys = append(keys, p.Aliases...)
	case 1:
		keys = append(keys, p.Title)
		for _, c := range p.CPEs {
			if v, prod, ok := cpeParts(c); ok {
				keys = append(keys, v+" "+prod)
			}
		}
	case 2:
		if _, rest, ok := strings.Cut(p.Title, " "); ok {
			keys = append(keys, rest)
		}
		for _, c := range p.CPEs {
			if _, prod, ok := cpeParts(c); ok {
				keys = append(keys, prod)
			}
		}
	}
	for i, k := range keys {
		keys[i] = slug(k)
	}
	return keys
}

// cpeParts returns the vendor and product of a CPE 2.2 or 2.3 name.
func cpeParts(cpe string) (vendor, product string, ok bool) {
	var parts []string
	switch {
	case strings.HasPrefix(cpe, "cpe:2.3:"):
		parts = strings.Split(cpe[len("cpe:2.3:"):], ":")
	case strings.HasPrefix(cpe, "cpe:/"):
		parts = strings.Split(cpe[len("cpe:/"):], ":")
	default:
		return "", "", false
	}
	if len(parts) < 3 || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	return strings.ReplaceAll(parts[1], "_", " "), strings.ReplaceAll(parts[2], "_", " "), true
}

// slug lower-cases s and joins its runs of letters and digits with "-",
// the shape of endoflife.date's ids: "Microsoft Windows Server" →
// "microsoft-windows-server".
func slug(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range strings.ToLower(s) {
		if isWordRune(r) {
			if pending && b.Len() > 0 {
				b.WriteByte('-')
			}
			pending = false
			b.WriteRune(r)
			continue
		}
		pending = true
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != '®' && r != '™' && r != '©'
}

// Product returns the product known by name (an id, permalink, alternate
// URL, title or CPE product, in any case and punctuation), or nil.
func (l *Lifecycles) Product(name string) *Product {
	return l.index[slug(name)]
}

// Find returns the product that vendor and product name, and what of the
// product name is left over as a version ("Windows Server 2012 R2" →
// windows-server, "2012 R2"). It tries the product name, the vendor and
// product together, and the product without the vendor's name in front,
// then the same with words dropped from the end, as long as the dropped
// words look like a version (each has a digit, or is one of versionWord):
// "Python Gateway" is not Python. It returns nil when nothing
// matches.
func (l *Lifecycles) Find(vendor, product string) (*Product, string) {
	words := strings.Fields(product)
	vendorWords := len(strings.Fields(vendor))
	for n := len(words); n > 0; n-- {
		if !versionWords(words[n:]) {
			break
		}
		name := strings.Join(words[:n], " ")
		rest := strings.Join(words[n:], " ")
		for _, k := range []string{name, vendor + " " + name, dropPrefixWords(name, vendor, vendorWords)} {
			if p := l.Product(k); p != nil {
				return p, rest
			}
		}
	}
	return nil, ""
}

// versionWord are words without digits that may follow a product name in
// a version or edition ("Ubuntu 22.04 LTS", "CentOS Linux 7").
var versionWord = map[string]bool{"lts": true, "ltsc": true, "esr": true, "linux": true, "os": true, "edition": true}

// versionWords reports whether words could be (part of) a version.
func versionWords(words []string) bool {
	for _, w := range words {
		lw := strings.ToLower(w)
		if !strings.ContainsAny(w, "0123456789") && !versionWord[lw] {
			return false
		}
	}
	return true
}

// dropPrefixWords removes vendor from the front of name when name starts
// with it ("Microsoft Exchange Server" → "Exchange Server").
func dropPrefixWords(name, vendor string, n int) string {
	if n == 0 || !strings.HasPrefix(slug(name)+"-", slug(vendor)+"-") {
		return ""
	}
	return strings.Join(strings.Fields(name)[n:], " ")
}

// Release returns the release whose cycle is exactly cycle, or nil.
func (p *Product) Release(cycle string) *Release {
	for i := range p.Releases {
		if p.Releases[i].Cycle == cycle {
			return &p.Releases[i]
		}
	}
	return nil
}

// MatchVersion returns the release cycle a version belongs to, or nil when
// it cannot tell. In order: a cycle or label equal to the version (in any
// case, spaces as "-": "2012 R2" is "2012-r2"; SQL Server's "2022" is the
// cycle labelled "2022 '__CODENAME__'"); the longest cycle that is a prefix
// of the version at a "." or "-" ("7.4.33" is in "7.4"); the one cycle or
// label of which the version is such a prefix ("2008 R2" is
// "2008-r2-sp1"), when only one is.
func (p *Product) MatchVersion(version string) *Release {
	v := versionKey(version)
	if v == "" {
		return nil
	}
	for i := range p.Releases {
		r := &p.Releases[i]
		if versionKey(r.Cycle) == v || labelKey(r.Label) == v {
			return r
		}
	}
	var best *Release
	bestLen := 0
	for i := range p.Releases {
		c := versionKey(p.Releases[i].Cycle)
		if len(c) > bestLen && boundaryPrefix(c, v) {
			best, bestLen = &p.Releases[i], len(c)
		}
	}
	if best != nil {
		return best
	}
	var only *Release
	for i := range p.Releases {
		r := &p.Releases[i]
		if boundaryPrefix(v, versionKey(r.Cycle)) || boundaryPrefix(v, labelKey(r.Label)) {
			if only != nil {
				return nil
			}
			only = r
		}
	}
	return only
}

var labelTemplate = regexp.MustCompile(`__[A-Z_]+__`)

// labelKey is versionKey of a release label without the site's template
// placeholders ("2022 '__CODENAME__'" is "2022"); "" for no label.
func labelKey(label string) string {
	if label == "" {
		return ""
	}
	label = labelTemplate.ReplaceAllString(label, "")
	return versionKey(strings.Trim(strings.TrimSpace(strings.NewReplacer("'", "", `"`, "").Replace(label)), " "))
}

// versionKey lower-cases a version, drops a leading "v" before a digit and
// writes blanks and underscores as "-".
func versionKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 1 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9' {
		s = s[1:]
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '\t' }), "-")
}

// boundaryPrefix reports whether prefix starts s and ends where a version
// part ends.
func boundaryPrefix(prefix, s string) bool {
	if len(prefix) >= len(s) || !strings.HasPrefix(s, prefix) {
		return false
	}
	c := s[len(prefix)]
	return c == '.' || c == '-' || c == '+'
}
