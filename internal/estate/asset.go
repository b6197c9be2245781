package estate

import (
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Asset is one system of the estate, as an import describes it or events
// reveal it. Empty fields are unknown.
type Asset struct {
	Name       string    // host or device name
	Vendor     string    // manufacturer of the product (a medical device's maker, say)
	Product    string    // what the asset is or mainly runs
	Version    string    // the product's version
	OS         string    // operating system ("Windows 10 Enterprise", "Ubuntu")
	OSVersion  string    // its version or build ("10.0.19045", "22.04")
	IP         string    // an address of the asset
	Owner      string    // who answers for it
	Location   string    // where it is
	SupportEnd time.Time // the supplier's own end of support, from a register; zero if none
	Software   []Software
	Sources    []string  // where it was learned: "assets.csv:12", "events"
	FirstSeen  time.Time // first and last event seen from it; zero for imports
	LastSeen   time.Time
}

// Software is a program seen running on an asset.
type Software struct {
	Vendor  string `json:"vendor"`  // the file's company ("Microsoft Corporation")
	Product string `json:"product"` // the file's product ("Microsoft Office")
	Version string `json:"version"` // the highest file version seen
	Path    string `json:"path"`    // an image path it ran from
}

// hostKey is how assets from different sources are recognised as one: the
// host name in lower case without its domain ("PC01.example.corp" is
// "pc01"), or an IP address as it is.
func hostKey(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if isIP(name) {
		return name
	}
	if short, _, ok := strings.Cut(name, "."); ok && short != "" {
		return short
	}
	return name
}

// isIP reports whether s is an IP address; it skips the parser (which
// allocates an error) for names that cannot be one.
func isIP(s string) bool {
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || strings.IndexByte(s, ':') >= 0) {
		return false
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// Merge joins lists of assets into one, keeping the order of first
// appearance. Assets with the same host name are one asset: earlier lists
// win where both give a field (put the register before what events
// suggest), later ones fill the gaps, and software and sources are joined.
func Merge(lists ...[]Asset) []Asset {
	var out []Asset
	at := make(map[string]int)
	for _, list := range lists {
		for _, a := range list {
			k := hostKey(a.Name)
			i, ok := at[k]
			if !ok || k == "" {
				at[k] = len(out)
				out = append(out, cloneAsset(a))
				continue
			}
			out[i].fill(a)
		}
	}
	return out
}

func cloneAsset(a Asset) Asset {
	a.Software = slices.Clone(a.Software)
	a.Sources = slices.Clone(a.Sources)
	return a
}

// fill takes from b what a lacks.
func (a *Asset) fill(b Asset) {
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&a.Vendor, b.Vendor}, {&a.Product, b.Product}, {&a.Version, b.Version},
		{&a.OS, b.OS}, {&a.OSVersion, b.OSVersion}, {&a.IP, b.IP},
		{&a.Owner, b.Owner}, {&a.Location, b.Location},
	} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
	if a.SupportEnd.IsZero() {
		a.SupportEnd = b.SupportEnd
	}
	if !strings.Contains(a.Name, ".") && strings.Contains(b.Name, ".") && hostKey(b.Name) != b.Name {
		a.Name = b.Name // prefer the fully qualified name
	}
	for _, s := range b.Software {
		if !slices.ContainsFunc(a.Software, func(x Software) bool { return x.Vendor == s.Vendor && x.Product == s.Product }) {
			a.Software = append(a.Software, s)
		}
	}
	for _, s := range b.Sources {
		if !slices.Contains(a.Sources, s) {
			a.Sources = append(a.Sources, s)
		}
	}
	a.FirstSeen = earliest(a.FirstSeen, b.FirstSeen)
	a.LastSeen = latest(a.LastSeen, b.LastSeen)
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
