package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// document is one YAML document of a rule file.
type document struct {
	path string
	root *yaml.Node // a mapping for every well-formed Sigma document
	line int        // 1-based line of the document in its file
}

// chunk is the text of one or more YAML documents that start at line.
type chunk struct {
	text []byte
	line int
}

// maxNodes bounds the YAML nodes of one document, aliases counted each time
// they are used, so that a small file cannot make compilation explode.
const maxNodes = 200_000

// splitDocuments cuts a file at its document start markers ("---" at the
// start of a line). YAML forbids such a line inside any content, so each
// part parses on its own; a syntax error then costs only its own document.
// Directive lines ("%YAML 1.2") stay with the document they introduce.
func splitDocuments(data []byte) []chunk {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var chunks []chunk
	start, startLine := 0, 1
	content := false // the current part holds more than comments and directives
	line := 1
	for pos := 0; pos < len(data); line++ {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos
		}
		text := data[pos:end]
		switch {
		case isDocStart(text):
			if pos > start {
				switch {
				case content:
					chunks = append(chunks, chunk{text: data[start:pos], line: startLine})
					start, startLine = pos, line
				case !hasDirective(data[start:pos]):
					start, startLine = pos, line // only comments: drop them
				}
			}
			rest := bytes.TrimSpace(text[3:])
			content = len(rest) > 0 && rest[0] != '#'
		case !isPrologueLine(text):
			content = true
		}
		pos = end + 1
	}
	if start < len(data) && content {
		chunks = append(chunks, chunk{text: data[start:], line: startLine})
	}
	return chunks
}

func isDocStart(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r'
}

func isPrologueLine(line []byte) bool {
	t := bytes.TrimSpace(line)
	return len(t) == 0 || t[0] == '#' || line[0] == '%'
}

func hasDirective(b []byte) bool {
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(l) > 0 && l[0] == '%' {
			return true
		}
	}
	return false
}

// hideVersionDirective turns a %YAML directive into a comment: the YAML
// library refuses any version but 1.1, while rule files may say 1.2, and
// nothing in a Sigma rule reads differently between the two.
func hideVersionDirective(text []byte) []byte {
	if !bytes.HasPrefix(text, []byte("%YAML")) && !bytes.Contains(text, []byte("\n%YAML")) {
		return text
	}
	out := bytes.Clone(text)
	for i := 0; i < len(out); i++ {
		if (i == 0 || out[i-1] == '\n') && bytes.HasPrefix(out[i:], []byte("%YAML")) {
			out[i] = '#'
		}
	}
	return out
}

// yamlLine finds the line number in a YAML library error message.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// decodeChunk parses the YAML documents of c. Lines in the returned nodes
// and errors are lines of the whole file. A syntax error ends the chunk.
func decodeChunk(path string, c chunk) (docs []document, refused []Refusal) {
	dec := yaml.NewDecoder(bytes.NewReader(hideVersionDirective(c.text)))
	for {
		root, err := decodeOne(dec)
		if errors.Is(err, io.EOF) {
			return docs, refused
		}
		if err != nil {
			return docs, append(refused, yamlRefusal(path, c.line, err))
		}
		if root == nil || isNull(root) && root.Kind == yaml.ScalarNode {
			continue // an empty document, e.g. only comments
		}
		if n := shiftLines(root, c.line-1, 0); n > maxNodes {
			refused = append(refused, Refusal{Path: path, Line: root.Line, Err: errorf(root.Line, "", "document too large: more than %d YAML nodes", maxNodes)})
			continue
		}
		docs = append(docs, document{path: path, root: root, line: root.Line})
	}
}

// decodeOne reads the next document's root node. The YAML library reports
// some malformed input by panicking; that is turned into an error here so
// that no rule file can stop a load.
func decodeOne(dec *yaml.Decoder) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		return doc.Content[0], nil
	}
	return &doc, nil
}

func yamlRefusal(path string, firstLine int, err error) Refusal {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		if isParserProblem(msg) {
			n++ // the library reports these with a 0-based line
		}
		line = n + firstLine - 1
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if line == 0 {
		line = firstLine
	}
	return Refusal{Path: path, Line: line, Err: errorf(line, "", "invalid YAML: %s", msg)}
}

// isParserProblem recognises the YAML library's parser errors (as opposed
// to its scanner errors): it numbers their lines from 0, pointing at where
// the unfinished construct started.
func isParserProblem(msg string) bool {
	for _, p := range []string{"key", "node content", "'-' indicator", "',' or ']'", "',' or '}'", "<document start>"} {
		if msg == "did not find expected "+p {
			return true
		}
	}
	return false
}

// shiftLines adds offset to the line of every node under n and returns how
// many nodes it saw, counting through aliases so that alias bombs are
// caught. It stops counting once the limit is passed.
func shiftLines(n *yaml.Node, offset, seen int) int {
	if n == nil || seen > maxNodes {
		return seen
	}
	if n.Kind != yaml.AliasNode {
		n.Line += offset
	}
	seen++
	for _, c := range n.Content {
		seen = shiftLines(c, offset, seen)
	}
	if n.Kind == yaml.AliasNode {
		seen += countNodes(n.Alias, 0, 0)
	}
	return seen
}

// countNodes counts the nodes under n, following aliases, up to maxNodes.
func countNodes(n *yaml.Node, seen, depth int) int {
	if n == nil || seen > maxNodes || depth > 100 {
		return maxNodes + 1
	}
	seen++
	if n.Kind == yaml.AliasNode {
		return countNodes(n.Alias, seen, depth+1)
	}
	for _, c := range n.Content {
		seen = countNodes(c, seen, depth+1)
		if seen > maxNodes {
			return seen
		}
	}
	return seen
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 32; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is a YAML null (null, ~, or nothing at all).
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// kindName describes a node for error messages.
func kindName(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "null"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	}
	return "a string"
}

// pair is one key and value of a YAML mapping.
type pair struct {
	key   string
	k, v  *yaml.Node
	where string
}

// pairs lists the entries of mapping m (at path where), refusing keys that
// are not scalars, merge keys and duplicate keys: YAML requires unique keys
// and a duplicate in a rule almost always hides a mistake.
func pairs(m *yaml.Node, where string) ([]pair, error) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, errorf(line(m), where, "must be a mapping, found %s", kindName(m))
	}
	out := make([]pair, 0, len(m.Content)/2)
	seen := make(map[string]int, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := deref(m.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, errorf(line(k), where, "keys must be plain strings, found %s", kindName(k))
		}
		if k.ShortTag() == "!!merge" {
			return nil, errorf(k.Line, where, "YAML merge keys (<<) are not allowed in Sigma rules")
		}
		if first, dup := seen[k.Value]; dup {
			return nil, errorf(k.Line, joinPath(where, k.Value), "duplicate key (first on line %d)", first)
		}
		seen[k.Value] = k.Line
		out = append(out, pair{key: k.Value, k: k, v: m.Content[i+1], where: joinPath(where, k.Value)})
	}
	return out, nil
}

// line returns the line of n, or 0.
func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}
