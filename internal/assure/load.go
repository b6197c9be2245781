package assure

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// Load reads a CAF YAML file (the form published as caf-v3.2.yaml and
// caf-v4.0.yaml); the version comes from the file name when it has one.
func Load(path string) (*Framework, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("caf: %w", err)
	}
	f, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	if m := versionInName.FindStringSubmatch(filepath.Base(path)); m != nil {
		f.Version = m[1]
	}
	return f, nil
}

var versionInName = regexp.MustCompile(`v(\d+(?:\.\d+)*)\.ya?ml$`)

// Parse reads a CAF framework from YAML; name says where it came from in
// errors, which give the line. Objectives, principles, outcomes and
// indicators keep the file's order.
func Parse(data []byte, name string) (*Framework, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("caf %s: %w", name, err)
	}
	p := parser{name: name}
	top, err := p.mapping(&root, "the document")
	if err != nil {
		return nil, err
	}
	objs := top.get("objectives")
	if objs == nil {
		return nil, fmt.Errorf("caf %s: no objectives key", name)
	}
	f := &Framework{}
	err = p.each(objs, "objectives", func(code string, n *yaml.Node) error {
		o, err := p.objective(code, n)
		f.Objectives = append(f.Objectives, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(f.Outcomes()) == 0 {
		return nil, fmt.Errorf("caf %s: no contributing outcomes", name)
	}
	return f, nil
}

// parser walks the YAML tree, naming the file and line in its errors.
type parser struct{ name string }

func (p parser) errAt(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("caf %s:%d: %s", p.name, n.Line, fmt.Sprintf(format, args...))
}

// pairs is a YAML mapping in document order.
type pairs []struct {
	key string
	val *yaml.Node
}

func (ps pairs) get(key string) *yaml.Node {
	for _, p := range ps {
		if p.key == key {
			return p.val
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

func (p parser) mapping(n *yaml.Node, what string) (pairs, error) {
	m := deref(n)
	if m == nil {
		return nil, fmt.Errorf("caf %s: %s is empty", p.name, what)
	}
	if m.Kind != yaml.MappingNode {
		return nil, p.errAt(m, "%s: want a mapping", what)
	}
	out := make(pairs, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		out = append(out, struct {
			key string
			val *yaml.Node
		}{m.Content[i].Value, m.Content[i+1]})
	}
	return out, nil
}

// each calls fn for every entry of the mapping n, in order.
func (p parser) each(n *yaml.Node, what string, fn func(key string, v *yaml.Node) error) error {
	ps, err := p.mapping(n, what)
	if err != nil {
		return err
	}
	for _, e := range ps {
		if err := fn(e.key, e.val); err != nil {
			return err
		}
	}
	return nil
}

// heading is what objectives, principles and outcomes all carry.
type heading struct {
	Code        string `yaml:"code"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
}

func (p parser) heading(key string, n *yaml.Node, what string) (heading, pairs, error) {
	var h heading
	ps, err := p.mapping(n, what+" "+key)
	if err != nil {
		return h, nil, err
	}
	if err := deref(n).Decode(&h); err != nil {
		return h, nil, p.errAt(n, "%s %s: %v", what, key, err)
	}
	if h.Code == "" {
		h.Code = key
	}
	if h.Code != key {
		return h, nil, p.errAt(n, "%s %s: code %q differs from its key", what, key, h.Code)
	}
	if h.Title == "" {
		return h, nil, p.errAt(n, "%s %s: no title", what, key)
	}
	return h, ps, nil
}

func (p parser) objective(key string, n *yaml.Node) (*Objective, error) {
	h, ps, err := p.heading(key, n, "objective")
	if err != nil {
		return nil, err
	}
	o := &Objective{Code: h.Code, Title: h.Title, Description: h.Description}
	if ps.get("principles") == nil {
		return nil, p.errAt(n, "objective %s: no principles", key)
	}
	err = p.each(ps.get("principles"), "principles of "+key, func(code string, v *yaml.Node) error {
		pr, err := p.principle(code, v)
		o.Principles = append(o.Principles, pr)
		return err
	})
	return o, err
}

func (p parser) principle(key string, n *yaml.Node) (*Principle, error) {
	h, ps, err := p.heading(key, n, "principle")
	if err != nil {
		return nil, err
	}
	pr := &Principle{Code: h.Code, Title: h.Title, Description: h.Description}
	if ps.get("outcomes") == nil {
		return nil, p.errAt(n, "principle %s: no outcomes", key)
	}
	err = p.each(ps.get("outcomes"), "outcomes of "+key, func(code string, v *yaml.Node) error {
		o, err := p.outcome(code, v)
		pr.Outcomes = append(pr.Outcomes, o)
		return err
	})
	return pr, err
}

func (p parser) outcome(key string, n *yaml.Node) (*Outcome, error) {
	h, ps, err := p.heading(key, n, "outcome")
	if err != nil {
		return nil, err
	}
	o := &Outcome{Code: h.Code, Title: h.Title, Description: h.Description, Indicators: map[Group][]Indicator{}}
	ind := ps.get("indicators")
	if ind == nil {
		return nil, p.errAt(n, "outcome %s: no indicators", key)
	}
	if err := p.indicators(o, ind); err != nil {
		return nil, err
	}
	if prof := ps.get("min_profile_requirement"); prof != nil {
		if o.Profile, err = p.profile(key, prof); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (p parser) indicators(o *Outcome, n *yaml.Node) error {
	return p.each(n, "indicators of "+o.Code, func(group string, v *yaml.Node) error {
		g := Group(group)
		if g != GroupNotAchieved && g != GroupPartiallyAchieved && g != GroupAchieved {
			return p.errAt(v, "outcome %s: unknown indicator group %q", o.Code, group)
		}
		return p.each(v, o.Code+" "+group, func(id string, iv *yaml.Node) error {
			var x struct {
				Description string `yaml:"description"`
				Index       string `yaml:"ncsc-index"`
				Vigil       string `yaml:"vigil"`
			}
			if err := deref(iv).Decode(&x); err != nil {
				return p.errAt(iv, "indicator %s: %v", id, err)
			}
			if x.Description == "" {
				return p.errAt(iv, "indicator %s: no description", id)
			}
			o.Indicators[g] = append(o.Indicators[g], Indicator{ID: id, Description: x.Description, NCSCIndex: x.Index, Vigil: x.Vigil})
			return nil
		})
	})
}

func (p parser) profile(code string, n *yaml.Node) (map[string]Status, error) {
	out := map[string]Status{}
	err := p.each(n, "min_profile_requirement of "+code, func(name string, v *yaml.Node) error {
		s, err := ParseStatus(deref(v).Value)
		if err != nil {
			return p.errAt(v, "outcome %s profile %s: %v", code, name, err)
		}
		out[name] = s
		return nil
	})
	return out, err
}

// ParseStatus reads a status as the CAF spells it.
func ParseStatus(s string) (Status, error) {
	switch Status(s) {
	case Achieved, PartiallyAchieved, NotAchieved:
		return Status(s), nil
	}
	return "", fmt.Errorf("%q is not Achieved, Partially achieved or Not achieved", s)
}
