package console

import (
	"net/url"
	"strings"

	"github.com/vigilhealth/vigil/internal/sigma"
)

// RuleInfo is what the alert page shows of the rule that raised it.
type RuleInfo struct {
	sigma.Meta
	Links []Link // References that are web addresses, as links
	Other []string
	Tags  []Tag
}

// Link is a link with its text.
type Link struct{ URL, Text string }

// Tag is a rule tag; ATT&CK technique and tactic tags link to MITRE's
// page for them.
type Tag struct {
	Name, URL string
}

// ruleInfo finds the rule or correlation with id in the loaded set; nil
// when it is not loaded (changed or removed since the alert).
func (c *Console) ruleInfo(id string) *RuleInfo {
	if c.deps.Rules == nil || id == "" {
		return nil
	}
	var m sigma.Meta
	if r := c.deps.Rules.RuleByRef(id); r != nil {
		m = r.Meta
	} else if cr := c.deps.Rules.CorrelationByRef(id); cr != nil {
		m = cr.Meta
	} else {
		return nil
	}
	info := &RuleInfo{Meta: m}
	for _, ref := range m.References {
		if u, err := url.Parse(ref); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			info.Links = append(info.Links, Link{URL: ref, Text: ref})
		} else {
			info.Other = append(info.Other, ref)
		}
	}
	info.Tags = tagsOf(m.Tags)
	return info
}

// tagsOf links the ATT&CK technique tags (attack.t1059.001) to MITRE.
func tagsOf(tags []string) []Tag {
	out := make([]Tag, 0, len(tags))
	for _, t := range tags {
		tag := Tag{Name: t}
		if tech, ok := techniqueOf(t); ok {
			tag.URL = "https://attack.mitre.org/techniques/" + strings.ReplaceAll(tech, ".", "/") + "/"
		}
		out = append(out, tag)
	}
	return out
}

// techniqueOf returns the ATT&CK technique a tag names, upper-cased
// ("T1059.001"), and whether it names one.
func techniqueOf(tag string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.ToLower(tag), "attack.t")
	if !ok || len(rest) < 4 {
		return "", false
	}
	for i, r := range rest {
		if (r < '0' || r > '9') && !(r == '.' && i == 4) {
			return "", false
		}
	}
	return "T" + rest, true
}

// rule is the loaded detection rule with id, or nil.
func (c *Console) rule(id string) *sigma.Rule {
	if c.deps.Rules == nil || id == "" {
		return nil
	}
	return c.deps.Rules.RuleByRef(id)
}

// correlation is the loaded correlation rule with id, or nil.
func (c *Console) correlation(id string) *sigma.Correlation {
	if c.deps.Rules == nil || id == "" {
		return nil
	}
	return c.deps.Rules.CorrelationByRef(id)
}
