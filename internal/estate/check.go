package estate

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Checker checks assets against the loaded feeds. Either feed may be nil,
// and its part of each Finding is then left unknown or empty. It is safe
// for concurrent use.
type Checker struct {
	Lifecycles *Lifecycles
	KEV        *Catalog
}

// Finding is what a check says of one asset at a date.
type Finding struct {
	Asset
	At time.Time // the date checked

	EOL             bool      // out of support at At
	EOLKnown        bool      // whether the feeds (or the register's date) tell
	EOLDate         time.Time // when support ends or ended; zero when not known
	EOLProduct      string    // the endoflife.date product matched, if any
	EOLCycle        string    // its release cycle
	EOLSource       string    // "endoflife" or, when its date is the earlier, "register"
	EOLNote         string    // a caveat, such as a build that could be client or server
	ExtendedSupport time.Time // end of paid extended support (eoes), if any

	KEV         []Vuln   // catalogue entries for the asset's products, by CVE
	KEVProducts []string // the catalogue's "vendor product" names that matched
	Ransomware  bool     // any of KEV is known to be used by ransomware
	KEVNote     string   // what a match means, when there is one
}

// CheckAll checks each asset, in order.
func (c *Checker) CheckAll(assets []Asset, at time.Time) []Finding {
	out := make([]Finding, len(assets))
	for i, a := range assets {
		out[i] = c.Check(a, at)
	}
	return out
}

// Check checks one asset at a date.
func (c *Checker) Check(a Asset, at time.Time) Finding {
	f := Finding{Asset: a, At: day(at)}
	if c.Lifecycles != nil {
		f.setEOL(c.Lifecycles.resolveAsset(a, at), at)
	}
	f.applyRegister(at)
	if c.KEV != nil {
		f.setKEV(c.KEV, a)
	}
	return f
}

// support is the end-of-life answer for one thing an asset runs.
type support struct {
	product, cycle string
	known, over    bool
	date, eoes     time.Time
	note           string
}

// setEOL keeps the answer that matters most: one already over (the
// earliest), else the one that ends first.
func (f *Finding) setEOL(answers []support, at time.Time) {
	var best *support
	for i := range answers {
		s := &answers[i]
		if s.known && (best == nil || worse(s, best)) {
			best = s
		}
	}
	if best == nil {
		for _, s := range answers {
			f.EOLNote = joinNote(f.EOLNote, s.note)
		}
		return
	}
	f.EOLKnown, f.EOL, f.EOLDate = true, best.over, best.date
	f.EOLProduct, f.EOLCycle, f.EOLSource = best.product, best.cycle, "endoflife"
	f.EOLNote, f.ExtendedSupport = best.note, best.eoes
}

func worse(a, b *support) bool {
	if a.over != b.over {
		return a.over
	}
	if a.date.IsZero() != b.date.IsZero() {
		return !a.date.IsZero() // a date says more than a bare true or false
	}
	return a.date.Before(b.date)
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || strings.Contains(a, b):
		return a
	}
	return a + "; " + b
}

// applyRegister lets a register's own end of support (a device maker's,
// say) override the feeds when it is earlier or they do not know.
func (f *Finding) applyRegister(at time.Time) {
	se := f.SupportEnd
	if se.IsZero() || f.EOLKnown && !f.EOLDate.IsZero() && !se.Before(f.EOLDate) {
		return
	}
	f.EOLKnown, f.EOLDate, f.EOLSource = true, se, "register"
	f.EOL = f.EOL || ended(se, at)
}

// resolveAsset answers for the operating system and for the product.
func (l *Lifecycles) resolveAsset(a Asset, at time.Time) []support {
	var out []support
	if a.OS != "" || a.OSVersion != "" {
		out = append(out, l.resolve(a.OS, "", a.OSVersion, at))
	}
	if a.Product != "" {
		out = append(out, l.resolve(a.Product, a.Vendor, a.Version, at))
	}
	return out
}

// resolve answers for one product name and version: Windows by its build
// or name, anything else by product name and release cycle.
func (l *Lifecycles) resolve(name, vendor, version string, at time.Time) support {
	if w, ok := ParseWindows(name, version); ok {
		if s, ok := l.resolveWindows(w, at); ok {
			return s
		}
		return support{note: fmt.Sprintf("%s %s: the Windows release is not known; give its build (such as 10.0.19045) or release (such as 22H2)", name, version)}
	}
	p, rest := l.Find(vendor, name)
	if p == nil {
		return support{}
	}
	if version == "" {
		version = rest
	}
	r := p.MatchVersion(version)
	if r == nil {
		return support{product: p.Name, note: fmt.Sprintf("%s version %q matches no release cycle of %s", name, version, p.Name)}
	}
	return releaseSupport(p.Name, r, at)
}

func releaseSupport(product string, r *Release, at time.Time) support {
	over, known := r.EOL.Ended(at)
	return support{product: product, cycle: r.Cycle, known: known, over: over, date: r.EOL.Date, eoes: r.EOES.Date}
}

// resolveWindows answers for a Windows version. When the name or build
// leaves several releases possible, it answers only what they agree on.
func (l *Lifecycles) resolveWindows(w WindowsOS, at time.Time) (support, bool) {
	var cands []support
	for _, ch := range w.choices() {
		p := l.Product(ch.Product)
		if p == nil {
			continue
		}
		for _, cy := range ch.Cycles {
			if r := p.Release(cy); r != nil {
				s := releaseSupport(p.Name, r, at)
				if !slices.ContainsFunc(cands, func(c support) bool { return c.product == s.product && c.cycle == s.cycle }) {
					cands = append(cands, s)
				}
				break
			}
		}
	}
	switch len(cands) {
	case 0:
		return support{}, false
	case 1:
		cands[0].note = w.Note
		return cands[0], true
	}
	return agree(cands, w.Note), true
}

// agree reports what several possible releases have in common: out of
// support if all are (since the latest of their dates at the latest), in
// support if none is; unknown otherwise.
func agree(cands []support, note string) support {
	var names []string
	allOver, noneOver, known := true, true, true
	latestIdx := 0
	for i, c := range cands {
		names = append(names, fmt.Sprintf("%s %s (%s)", c.product, c.cycle, dateOrUnknown(c.date)))
		allOver = allOver && c.over
		noneOver = noneOver && !c.over
		known = known && c.known
		if c.date.After(cands[latestIdx].date) {
			latestIdx = i
		}
	}
	s := cands[latestIdx]
	s.note = joinNote("could be "+strings.Join(names, " or "), note)
	switch {
	case known && allOver:
	case known && noneOver:
		s.date = time.Time{} // each could end on a different date
	default:
		s.known, s.over, s.date = false, false, time.Time{}
	}
	s.eoes = time.Time{}
	return s
}

func dateOrUnknown(t time.Time) string {
	if t.IsZero() {
		return "date not known"
	}
	return t.Format(dateLayout)
}
