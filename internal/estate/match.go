package estate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// productTerm is one product name that a catalogue entry stands for, in
// normalised words. A product field often names several ("NetScaler ADC
// and NetScaler Gateway", "iOS, iPadOS, and macOS").
type productTerm struct {
	words  []string
	family string // "windows" or "chromium" when the entry is a part of that product
}

// Subject is a vendor and product that an asset runs: its own product, its
// operating system, or software seen running on it.
type Subject struct {
	Vendor  string
	Product string
}

// legalSuffixes are dropped from vendor names: "Microsoft Corporation" is
// "Microsoft".
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "ltd": true, "limited": true,
	"llc": true, "plc": true, "gmbh": true, "co": true, "company": true, "ag": true, "sa": true,
}

// genericWords may follow a product name without naming another product:
// an asset's "Exchange" is the catalogue's "Exchange Server".
var genericWords = map[string]bool{"server": true, "software": true, "suite": true, "os": true, "application": true, "appliance": true}

// synonyms rename products within a vendor to the one name the catalogue
// and the asset must share (longest phrase first). Citrix renamed its ADC
// and Gateway to NetScaler and back; FortiGate firewalls run FortiOS;
// Chrome is built on Chromium, whose parts the catalogue names.
var synonyms = map[string][][2]string{
	"citrix": {
		{"netscaler application delivery controller", "adc"}, {"application delivery controller", "adc"},
		{"netscaler adc", "adc"}, {"citrix adc", "adc"}, {"netscaler gateway", "gateway"},
		{"citrix gateway", "gateway"}, {"netscaler", "adc"},
	},
	"fortinet":  {{"fortigate", "fortios"}},
	"google":    {{"google chrome", "chromium"}, {"chrome", "chromium"}},
	"microsoft": {{"microsoft sql server", "sql server"}, {"mssql", "sql server"}, {"ms sql", "sql server"}},
}

// windowsParts are catalogue products of vendor Microsoft that are parts
// of Windows itself, so that a Windows host is exposed to them.
var windowsParts = map[string]bool{
	"win32k": true, "smbv1": true, "smbv1 server": true, "smbv3": true, "netlogon": true,
	"ancillary function driver": true, "afd sys": true, "atm font driver": true,
	"client server run time subsystem": true, "csrss": true, "dwm core library": true,
	"directx graphics kernel": true, "dxgkrnl": true, "enhanced cryptographic provider": true,
	"graphics component": true, "graphics device interface": true, "gdi": true,
	"http protocol stack": true, "http sys": true, "kerberos key distribution center": true, "kdc": true,
	"mshtml": true, "remote desktop services": true, "task scheduler": true, "winverifytrust function": true,
	"streaming service": true, "streaming service proxy": true, "update notification manager": true,
	"input method editor": true, "input method editor japanese": true, "ime": true, "hyper v remotefx": true,
	"smartscreen prompt": true, "active directory": true, "xml core services": true,
}

// normWords lower-cases s and splits it into words of letters and digits,
// dropping trademark signs and punctuation.
func normWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) })
}

// vendorKeys returns the normalised names a vendor goes by: "Hewlett
// Packard (HP)" is "hewlett packard" and "hp"; "D-Link and TRENDnet" is
// "d link" and "trendnet".
func vendorKeys(vendor string) []string {
	var keys []string
	for _, part := range splitNames(vendor) {
		w := normWords(part)
		for len(w) > 1 && legalSuffixes[w[len(w)-1]] {
			w = w[:len(w)-1]
		}
		if len(w) > 0 {
			keys = append(keys, strings.Join(w, " "))
		}
	}
	return keys
}

// splitNames splits a catalogue name on commas, "and" and "/", and gives
// a parenthesised abbreviation as a name of its own: "Adaptive Security
// Appliance (ASA) and Firepower Threat Defense (FTD)" → four names.
func splitNames(s string) []string {
	s = strings.ReplaceAll(s, "/", ",")
	s = strings.ReplaceAll(s, " and ", ",")
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(part), "and "))
		if open := strings.IndexByte(part, '('); open >= 0 {
			if end := strings.IndexByte(part[open:], ')'); end > 0 {
				out = append(out, part[open+1:open+end])
				part = strings.TrimSpace(part[:open] + part[open+end+1:])
			}
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// applySynonyms rewrites a normalised product phrase by the vendor's
// synonyms.
func applySynonyms(vendorKey string, words []string) []string {
	syn := synonyms[vendorKey]
	if len(syn) == 0 {
		return words
	}
	s := " " + strings.Join(words, " ") + " "
	for _, p := range syn {
		s = strings.ReplaceAll(s, " "+p[0]+" ", " "+p[1]+" ")
	}
	return strings.Fields(s)
}

// productTerms returns the product names of a catalogue entry.
func productTerms(vendorKey, product string) []productTerm {
	var terms []productTerm
	for _, name := range splitNames(product) {
		w := applySynonyms(vendorKey, normWords(name))
		if len(w) == 0 || w[0] == "multiple" {
			continue
		}
		t := productTerm{words: w}
		switch {
		case vendorKey == "microsoft" && (w[0] == "windows" || windowsParts[strings.Join(w, " ")]):
			t.family = "windows"
		case vendorKey == "google" && w[0] == "chromium":
			t.family = "chromium"
		}
		terms = append(terms, t)
	}
	return terms
}

// matches reports whether an asset's product words p name the product of
// term t: t is p or its start ("Windows" for "Windows Server 2019");
// p is the start of t and the rest of t is generic ("Exchange" for
// "Exchange Server"); or t is part of a product family that p heads.
func (t productTerm) matches(p []string) bool {
	if len(p) == 0 {
		return false
	}
	if len(t.words) <= len(p) && slices.Equal(t.words, p[:len(t.words)]) {
		return true
	}
	if len(p) < len(t.words) && slices.Equal(p, t.words[:len(p)]) {
		rest := t.words[len(p):]
		if !slices.ContainsFunc(rest, func(w string) bool { return !genericWords[w] }) {
			return true
		}
	}
	return t.family != "" && t.family == p[0]
}

// buildIndex indexes the catalogue by vendor and splits product names.
func (c *Catalog) buildIndex() {
	c.index = make(map[string][]int)
	c.terms = make([][]productTerm, len(c.Vulns))
	for i, v := range c.Vulns {
		keys := vendorKeys(v.Vendor)
		for _, k := range keys {
			c.index[k] = append(c.index[k], i)
		}
		for _, k := range keys {
			c.terms[i] = append(c.terms[i], productTerms(k, v.Product)...)
		}
	}
}

// vendorsFor returns the catalogue's vendor keys that an asset's vendor
// names: the same name, or one of the two the start of the other ("Cisco
// Systems" is "Cisco", "Palo Alto" is "Palo Alto Networks").
func (c *Catalog) vendorsFor(vendor string) []string {
	var out []string
	for _, av := range vendorKeys(vendor) {
		for k := range c.index {
			if k == av || strings.HasPrefix(av, k+" ") || strings.HasPrefix(k, av+" ") {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Match returns the catalogue entries for the vendor and product of s,
// sorted by CVE id. The catalogue names no versions: a match means the
// product has known-exploited vulnerabilities, not that this copy of it
// is unpatched.
func (c *Catalog) Match(s Subject) []Vuln {
	return c.entries(c.match(s, nil))
}

// match adds to seen the positions in c.Vulns of the entries that match s.
func (c *Catalog) match(s Subject, seen map[int]bool) map[int]bool {
	if seen == nil {
		seen = make(map[int]bool)
	}
	for _, vk := range c.vendorsFor(s.Vendor) {
		p := applySynonyms(vk, stripVendor(normWords(s.Product), vk))
		for _, i := range c.index[vk] {
			if !seen[i] && slices.ContainsFunc(c.terms[i], func(t productTerm) bool { return t.matches(p) }) {
				seen[i] = true
			}
		}
	}
	return seen
}

// entries returns the entries at the positions in seen; c.Vulns is in CVE
// order, so sorting positions sorts them by CVE.
func (c *Catalog) entries(seen map[int]bool) []Vuln {
	pos := make([]int, 0, len(seen))
	for i := range seen {
		pos = append(pos, i)
	}
	slices.Sort(pos)
	out := make([]Vuln, len(pos))
	for j, i := range pos {
		out[j] = c.Vulns[i]
	}
	return out
}

// stripVendor drops the vendor's name from the front of product words
// ("Microsoft Exchange Server" → "exchange server").
func stripVendor(p []string, vendorKey string) []string {
	vw := strings.Fields(vendorKey)
	if len(p) > len(vw) && slices.Equal(p[:len(vw)], vw) {
		return p[len(vw):]
	}
	return p
}

// sortVulns orders entries by CVE year and number, numerically.
func sortVulns(vs []Vuln) {
	slices.SortFunc(vs, func(a, b Vuln) int { return compareCVE(a.CVE, b.CVE) })
}

func compareCVE(a, b string) int {
	ay, an := cveParts(a)
	by, bn := cveParts(b)
	if ay != by {
		return ay - by
	}
	if an != bn {
		if an < bn {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func cveParts(id string) (int, int64) {
	rest, ok := strings.CutPrefix(id, "CVE-")
	year, num, ok2 := strings.Cut(rest, "-")
	if !ok || !ok2 {
		return 0, 0
	}
	y, _ := strconv.Atoi(year)
	n, _ := strconv.ParseInt(num, 10, 64)
	return y, n
}

// VendorOf splits a name that starts with a vendor the catalogue knows
// into that vendor and the rest ("Microsoft Exchange Server 2016" →
// "Microsoft", "Exchange Server 2016"; "PHP" → "PHP", "PHP"); ok is false
// when it does not.
func (c *Catalog) VendorOf(name string) (vendor, rest string, ok bool) {
	w := strings.Fields(name)
	for n := min(len(w), 4); n > 0; n-- {
		key := strings.Join(normWords(strings.Join(w[:n], " ")), " ")
		if _, known := c.index[key]; !known {
			continue
		}
		if n == len(w) { // the product is named after its maker: "PHP", "Git"
			return name, name, true
		}
		return strings.Join(w[:n], " "), strings.Join(w[n:], " "), true
	}
	return "", name, false
}

// osVendors names the maker of operating systems whose names do not say
// it. Linux distributions are checked as the Linux kernel, which the
// catalogue lists under vendor Linux.
var osVendors = map[string]Subject{
	"windows": {"Microsoft", ""}, "macos": {"Apple", ""}, "ipados": {"Apple", ""},
	"fortios": {"Fortinet", ""}, "junos": {"Juniper", ""}, "pan": {"Palo Alto Networks", ""},
}

var linuxNames = map[string]bool{
	"linux": true, "ubuntu": true, "debian": true, "rhel": true, "centos": true, "rocky": true,
	"almalinux": true, "suse": true, "sles": true, "fedora": true, "opensuse": true,
}

// Subjects lists the vendor and product pairs of an asset that the
// catalogue is searched for: its product, its operating system and the
// software seen running on it. A missing vendor is taken from the front
// of the name where the catalogue knows it ("Microsoft Exchange Server").
func (c *Catalog) Subjects(a Asset) []Subject {
	var out []Subject
	add := func(s Subject) {
		if s.Product != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if a.Product != "" {
		add(c.withVendor(a.Vendor, a.Product))
	}
	if a.OS != "" {
		add(c.osSubject(a.OS, a.Vendor))
	}
	for _, s := range a.Software {
		add(c.withVendor(s.Vendor, s.Product))
	}
	return out
}

func (c *Catalog) withVendor(vendor, product string) Subject {
	if vendor == "" {
		if v, rest, ok := c.VendorOf(product); ok {
			return Subject{v, rest}
		}
	}
	return Subject{vendor, product}
}

func (c *Catalog) osSubject(osName, assetVendor string) Subject {
	w := normWords(osName)
	if slices.ContainsFunc(w, func(x string) bool { return linuxNames[x] }) {
		return Subject{"Linux", "Kernel"}
	}
	if v, rest, ok := c.VendorOf(osName); ok {
		return Subject{v, rest}
	}
	if len(w) > 0 {
		if s, ok := osVendors[w[0]]; ok {
			return Subject{s.Vendor, osName}
		}
	}
	return Subject{assetVendor, osName}
}

// setKEV fills the catalogue part of a finding.
func (f *Finding) setKEV(c *Catalog, a Asset) {
	var seen map[int]bool
	for _, s := range c.Subjects(a) {
		seen = c.match(s, seen)
	}
	f.KEV = c.entries(seen)
	var products []string
	for _, v := range f.KEV {
		f.Ransomware = f.Ransomware || v.Ransomware
		if p := strings.TrimSpace(v.Vendor) + " " + strings.TrimSpace(v.Product); !slices.Contains(products, p) {
			products = append(products, p)
		}
	}
	slices.Sort(products)
	f.KEVProducts = products
	if len(f.KEV) > 0 {
		f.KEVNote = kevNote(f.KEV)
	}
}

// kevNote says what a match means: the catalogue lists products, not
// versions.
func kevNote(vs []Vuln) string {
	ransom := 0
	for _, v := range vs {
		if v.Ransomware {
			ransom++
		}
	}
	return fmt.Sprintf("%d known-exploited vulnerabilities (%d used in ransomware campaigns) are listed for this product; "+
		"the catalogue names no versions, so check this asset's patch level against each CVE", len(vs), ransom)
}
