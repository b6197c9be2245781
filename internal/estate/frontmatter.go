package estate

import (
	"slices"
	"strings"
)

// readFrontMatterFast reads the parts of a product file's front matter
// that Vigil uses (title, category, permalink, alternate_urls,
// identifiers, releases) without building a YAML tree: loading the 464
// files of endoflife.date with the general parser costs several times
// more. It knows the plain block style those files are written in; on
// anything else in the parts it reads (flow collections, anchors, escapes,
// multi-line values, duplicate keys) it returns ok false and the caller
// falls back to the YAML parser, which also names the line of a real
// error. Keys it does not read are skipped by indentation.
func readFrontMatterFast(fm []byte) (raw frontMatter, lines []int, ok bool) {
	p := fmParser{seen: make(map[string]bool)}
	text := string(fm) // one copy; the values read are substrings of it
	for n := 1; len(text) > 0; n++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if !p.line(strings.TrimRight(line, "\r"), n) {
			return frontMatter{}, nil, false
		}
	}
	return p.raw, p.lines, true
}

// section is what the current top-level key holds.
type section int

const (
	skipSection    section = iota // a key Vigil does not read
	scalarSection                 // title, category, permalink: nothing may follow
	aliasSection                  // alternate_urls: a list of scalars
	idSection                     // identifiers: a list of one-key maps
	releaseSection                // releases: a list of maps
)

type fmParser struct {
	raw   frontMatter
	lines []int
	seen  map[string]bool // top-level keys

	sec       section
	seqIndent int      // indent of the "- " of the current list, -1 before its first item
	content   int      // indent of the keys of the current list item
	itemKeys  []string // keys of the current item, to refuse duplicates
	needDeep  bool     // the last key of the item is read and may not have nested lines
}

func (p *fmParser) line(s string, n int) bool {
	body := strings.TrimLeft(s, " ")
	indent := len(s) - len(body)
	if body == "" || body[0] == '#' {
		return true
	}
	if body[0] == '\t' {
		return false
	}
	if indent == 0 && body[0] != '-' {
		return p.topKey(body)
	}
	if len(p.seen) == 0 {
		return false // the document does not start at column 0
	}
	switch p.sec {
	case skipSection:
		return true
	case scalarSection:
		return false
	}
	return p.listLine(body, indent, n)
}

// topKey starts a top-level key.
func (p *fmParser) topKey(body string) bool {
	key, rest, ok := splitKey(body)
	if !ok || p.seen[key] {
		return false
	}
	p.seen[key] = true
	p.sec, p.seqIndent = skipSection, -1
	var dst *string
	switch key {
	case "title":
		dst = &p.raw.Title
	case "category":
		dst = &p.raw.Category
	case "permalink":
		dst = &p.raw.Permalink
	case "alternate_urls", "identifiers", "releases":
		if rest != "" {
			return false
		}
		p.sec = map[string]section{"alternate_urls": aliasSection, "identifiers": idSection, "releases": releaseSection}[key]
		return true
	default:
		return true
	}
	p.sec = scalarSection
	v, ok := plainScalar(rest)
	*dst = v
	return ok
}

// listLine reads a line within alternate_urls, identifiers or releases.
func (p *fmParser) listLine(body string, indent, n int) bool {
	if body[0] == '-' && (len(body) == 1 || body[1] == ' ') && (p.seqIndent < 0 || indent == p.seqIndent) {
		return p.item(strings.TrimLeft(body[1:], " "), indent, indent+len(body)-len(strings.TrimLeft(body[1:], " ")), n)
	}
	switch {
	case p.seqIndent < 0 || indent <= p.seqIndent || p.sec == aliasSection:
		return false
	case indent == p.content:
		return p.itemKey(body)
	case indent > p.content:
		return !p.needDeep // nested under a key that is not read
	}
	return false
}

// item starts a list item whose first content is rest, at column content.
func (p *fmParser) item(rest string, indent, content, n int) bool {
	if rest == "" {
		return false
	}
	p.seqIndent, p.content = indent, content
	if p.sec == aliasSection {
		v, ok := plainScalar(strings.TrimSpace(stripComment(rest)))
		p.raw.Alternates = append(p.raw.Alternates, v)
		return ok
	}
	p.itemKeys = p.itemKeys[:0]
	if p.sec == idSection {
		p.raw.Identifiers = append(p.raw.Identifiers, map[string]string{})
	} else {
		p.raw.Releases = append(p.raw.Releases, releaseYAML{})
		p.lines = append(p.lines, n)
	}
	return p.itemKey(rest)
}

// itemKey reads one "key: value" of the current item.
func (p *fmParser) itemKey(body string) bool {
	key, rest, ok := splitKey(body)
	if !ok || slices.Contains(p.itemKeys, key) {
		return false
	}
	p.itemKeys = append(p.itemKeys, key)
	if p.sec == idSection {
		v, ok := plainScalar(rest)
		p.raw.Identifiers[len(p.raw.Identifiers)-1][key] = v
		p.needDeep = true
		return ok
	}
	r := &p.raw.Releases[len(p.raw.Releases)-1]
	var str *string
	var ph *Phase
	switch key {
	case "releaseCycle":
		str = &r.Cycle
	case "releaseLabel":
		str = &r.Label
	case "latest":
		str = &r.Latest
	case "releaseDate":
		ph = &r.ReleaseDate
	case "eol":
		ph = &r.EOL
	case "eoas":
		ph = &r.EOAS
	case "eoes":
		ph = &r.EOES
	case "lts":
		ph = &r.LTS
	case "discontinued":
		ph = &r.Discontinued
	default:
		p.needDeep = false
		return true
	}
	p.needDeep = true
	v, ok := plainScalar(rest)
	if !ok {
		return false
	}
	if str != nil {
		*str = v
		return true
	}
	var err error
	*ph, err = parsePhase(v)
	return err == nil
}

// splitKey splits "key: rest" or "key:" with a plain key.
func splitKey(body string) (key, rest string, ok bool) {
	i := strings.IndexByte(body, ':')
	if i <= 0 || i+1 < len(body) && body[i+1] != ' ' {
		return "", "", false
	}
	key = body[:i]
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "", "", false
		}
	}
	return key, strings.TrimSpace(stripComment(body[i+1:])), true
}

// stripComment drops a trailing " # comment" outside quotes.
func stripComment(s string) string {
	if t := strings.TrimLeft(s, " "); t != "" && (t[0] == '"' || t[0] == '\'') {
		return s // quoted: plainScalar checks what follows the closing quote
	}
	if strings.HasPrefix(strings.TrimLeft(s, " "), "#") {
		return ""
	}
	if i := strings.Index(s, " #"); i >= 0 {
		return s[:i]
	}
	return s
}

// plainScalar reads a one-line scalar: plain, or quoted without escapes.
// ok is false for anything the YAML parser might read differently.
func plainScalar(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if q := s[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(s[1:], q)
		if end < 0 || strings.ContainsAny(s[1:end+1], "\\") {
			return "", false
		}
		after := strings.TrimSpace(s[end+2:])
		if after != "" && !strings.HasPrefix(after, "#") || q == '\'' && strings.HasPrefix(s[end+2:], "'") {
			return "", false
		}
		return s[1 : end+1], true
	}
	if strings.ContainsAny(s[:1], "[]{}&*!|>%@`#,?:-") && !(s[0] == '-' && len(s) > 1 && s[1] != ' ') {
		return "", false
	}
	if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") || strings.Contains(s, "\t") {
		return "", false
	}
	switch s {
	case "~", "null", "Null", "NULL":
		return "", false
	}
	return s, true
}
