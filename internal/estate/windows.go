package estate

import (
	"regexp"
	"strconv"
	"strings"
)

// WindowsFamily tells client, server and embedded Windows apart.
type WindowsFamily int

// Windows families. FamilyUnknown is a build seen without a name: 6.3.9600
// is Windows 8.1 or Server 2012 R2.
const (
	FamilyUnknown WindowsFamily = iota
	FamilyClient
	FamilyServer
	FamilyEmbedded
)

// WindowsEdition is the servicing channel of a client edition, which
// decides the release cycle: Home and Pro ("W"), Enterprise and Education
// ("E"), the long-term servicing channel and its IoT variant.
type WindowsEdition int

// Windows client editions.
const (
	EditionUnknown WindowsEdition = iota
	EditionConsumer
	EditionEnterprise
	EditionLTSC
	EditionIoTLTSC
	EditionIoT
)

// WindowsOS is a Windows version as an inventory or an event names or
// numbers it.
type WindowsOS struct {
	Family  WindowsFamily
	Edition WindowsEdition
	Major   int    // 10 for 10.0.19045; 0 when unknown
	Minor   int    // 0 for 10.0.19045
	Build   int    // 19045; 0 when unknown
	Release string // the release as named or implied: "22h2" (client 10/11), "2012-r2" (server), "7", "8.1"
	Client  string // client product number: "xp", "vista", "7", "8", "8.1", "10", "11"
	Note    string // a caveat on the mapping, for the output
}

// clientBuilds maps Windows 10 and 11 builds to their feature release
// (Microsoft's release-information pages; see docs/estate.md). Builds from
// 22000 on are Windows 11.
var clientBuilds = map[int]string{
	10240: "1507", 10586: "1511", 14393: "1607", 15063: "1703", 16299: "1709",
	17134: "1803", 17763: "1809", 18362: "1903", 18363: "1909", 19041: "2004",
	19042: "20h2", 19043: "21h1", 19044: "21h2", 19045: "22h2",
	22000: "21h2", 22621: "22h2", 22631: "23h2", 26100: "24h2", 26200: "25h2", 28000: "26h1",
}

// serverBuilds maps Windows Server builds of the 10.0 kernel to the
// endoflife.date cycle: the long-term releases, the semi-annual channel
// ("-sac") and the annual channel ("-ac"). 17763 is taken as Server 2019,
// the long-term release, unless the name says "version 1809".
var serverBuilds = map[int]string{
	14393: "2016", 16299: "1709-sac", 17134: "1803-sac", 17763: "2019", 18362: "1903-sac",
	18363: "1909-sac", 19041: "2004-sac", 19042: "20h2-sac", 20348: "2022", 25398: "23h2-ac", 26100: "2025",
}

// legacy kernels: major.minor → client product, and the server cycle.
var (
	legacyClient = map[[2]int]string{{5, 1}: "xp", {6, 0}: "vista", {6, 1}: "7", {6, 2}: "8", {6, 3}: "8.1"}
	legacyServer = map[[2]int]string{{5, 0}: "2000", {5, 2}: "2003-sp2", {6, 0}: "2008-sp2", {6, 1}: "2008-r2-sp1", {6, 2}: "2012", {6, 3}: "2012-r2"}
	// legacyBuild gives the kernel of a bare legacy build number.
	legacyBuild = map[int][2]int{2195: {5, 0}, 2600: {5, 1}, 3790: {5, 2}, 6000: {6, 0}, 6001: {6, 0}, 6002: {6, 0}, 6003: {6, 0}, 7600: {6, 1}, 7601: {6, 1}, 9200: {6, 2}, 9600: {6, 3}}
	// clientKernel is the kernel of each client product.
	clientKernel = map[string][2]int{"xp": {5, 1}, "vista": {6, 0}, "7": {6, 1}, "8": {6, 2}, "8.1": {6, 3}, "10": {10, 0}, "11": {10, 0}}
	// legacyClientCycle is the endoflife.date cycle of each legacy client.
	legacyClientCycle = map[string]string{"xp": "5-sp3", "vista": "6-sp2", "7": "7-sp1", "8": "8", "8.1": "8.1"}
	// ltscYears are the long-term servicing releases named by year.
	ltscYears = map[string]string{"2015": "1507", "2016": "1607", "2019": "1809", "2021": "21h2", "2024": "24h2"}
)

var (
	kernelRe        = regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.?(?:\s*(\d{4,5}))?`)
	buildRe         = regexp.MustCompile(`(?i)\b(?:build\s*)?(\d{4,5})\b`)
	featureRe       = regexp.MustCompile(`\b(\d{2}h\d|1507|1511|1607|1703|1709|1803|1809|1903|1909|2004)\b`)
	clientRe        = regexp.MustCompile(`\b(?:windows|win)\s*(xp|vista|7|8\.1|8|10|11)\b`)
	serverRe        = regexp.MustCompile(`\bserver\s*(2000|2003|2008|2012|2016|2019|2022|2025)(\s*r2)?`)
	serverVersionRe = regexp.MustCompile(`\bversion\s*(1709|1803|1809|1903|1909|2004|20h2|23h2)\b`)
	embeddedRe      = regexp.MustCompile(`(posready\s*7|standard\s*7|8\.1\s*industry|8\.1\s*pro|compact\s*2013|compact\s*7)`)
)

// ParseWindows reads a Windows name ("Windows 10 Enterprise LTSC 2019",
// "Windows Server 2012 R2 Standard", "Microsoft Windows 7 Professional
// SP1") and version ("10.0.19045.3448", "6.01.7601", "Build 9600",
// "22H2") into a WindowsOS. ok is false when neither says Windows (a
// version alone counts when it is a known Windows build number).
func ParseWindows(name, version string) (WindowsOS, bool) {
	n := strings.ToLower(name)
	isWin := strings.Contains(n, "windows") || clientRe.MatchString(n)
	var w WindowsOS
	w.parseVersion(strings.ToLower(version))
	if !isWin && (n != "" || !w.knownBuild()) {
		return WindowsOS{}, false
	}
	all := n + " " + strings.ToLower(version)
	w.parseName(all)
	w.settle()
	return w, true
}

// parseVersion reads a kernel version, a bare build or a feature release.
func (w *WindowsOS) parseVersion(v string) {
	if m := kernelRe.FindStringSubmatch(v); m != nil {
		w.Major, _ = strconv.Atoi(m[1])
		w.Minor, _ = strconv.Atoi(m[2])
		w.Build, _ = strconv.Atoi(m[3])
	} else if m := buildRe.FindStringSubmatch(v); m != nil && !featureRe.MatchString(v) {
		w.Build, _ = strconv.Atoi(m[1])
	}
	if w.Major == 0 && w.Build != 0 {
		w.Major, w.Minor = kernelOfBuild(w.Build)
	}
	if m := featureRe.FindString(v); m != "" && w.Major == 0 {
		w.Release = m
	}
}

func kernelOfBuild(b int) (int, int) {
	if k, ok := legacyBuild[b]; ok {
		return k[0], k[1]
	}
	if b >= 10240 {
		return 10, 0
	}
	return 0, 0
}

func (w *WindowsOS) knownBuild() bool {
	_, client := clientBuilds[w.Build]
	_, legacy := legacyBuild[w.Build]
	return client || legacy
}

// parseName reads family, product, release and edition from a name.
func (w *WindowsOS) parseName(n string) {
	switch {
	case strings.Contains(n, "embedded") || strings.Contains(n, "posready"):
		w.Family = FamilyEmbedded
		if m := embeddedRe.FindString(n); m != "" {
			w.Release = embeddedCycle(m)
		}
		return
	case strings.Contains(n, "server"):
		w.Family = FamilyServer
		if m := serverRe.FindStringSubmatch(n); m != nil {
			w.Release = m[1]
			if m[2] != "" {
				w.Release += "-r2"
			}
		}
		if m := serverVersionRe.FindStringSubmatch(n); m != nil {
			w.Release = serverChannel(m[1])
		}
		return
	default:
		if m := clientRe.FindStringSubmatch(n); m != nil {
			w.Family, w.Client = FamilyClient, m[1]
		}
	}
	if m := featureRe.FindString(n); m != "" {
		w.Release = m
	}
	w.Edition = parseEdition(n)
	if w.Edition == EditionLTSC || w.Edition == EditionIoTLTSC {
		for year, rel := range ltscYears {
			if strings.Contains(n, year) {
				w.Release = rel
			}
		}
	}
}

func parseEdition(n string) WindowsEdition {
	lts := strings.Contains(n, "ltsc") || strings.Contains(n, "ltsb")
	iot := strings.Contains(n, "iot")
	switch {
	case iot && lts:
		return EditionIoTLTSC
	case lts:
		return EditionLTSC
	case iot:
		return EditionIoT
	case strings.Contains(n, "enterprise") || strings.Contains(n, "education"):
		return EditionEnterprise
	case strings.Contains(n, "home") || strings.Contains(n, "pro") || strings.Contains(n, "workstation"):
		return EditionConsumer
	}
	return EditionUnknown
}

func embeddedCycle(m string) string {
	m = strings.Join(strings.Fields(m), "-")
	if m == "standard-7" {
		return "standard-7-sp1"
	}
	return m
}

// settle fills what the build implies and the name left open, preferring
// the build: it is what the machine reports.
func (w *WindowsOS) settle() {
	if w.Family == FamilyEmbedded {
		return
	}
	if w.Major == 0 && w.Client != "" {
		k := clientKernel[w.Client]
		w.Major, w.Minor = k[0], k[1]
	}
	switch {
	case w.Major == 10 && w.Build != 0:
		w.settleModern()
	case w.Major > 0 && w.Major < 10:
		w.settleLegacy()
	}
}

// serverChannel names the cycle of a Windows Server release named by
// version: the annual channel from 23H2, the semi-annual one before.
func serverChannel(v string) string {
	if v == "23h2" {
		return v + "-ac"
	}
	return v + "-sac"
}

func (w *WindowsOS) settleModern() {
	if w.Family == FamilyServer {
		if r, ok := serverBuilds[w.Build]; ok && !strings.HasSuffix(w.Release, "ac") {
			w.Release = r // a named channel release ("version 1809") shares its build with a long-term one
		}
		return
	}
	if r, ok := clientBuilds[w.Build]; ok {
		w.Release = r
		w.Client = "10"
		if w.Build >= 22000 {
			w.Client = "11"
		}
	}
}

func (w *WindowsOS) settleLegacy() {
	k := [2]int{w.Major, w.Minor}
	if w.Family != FamilyServer {
		if c, ok := legacyClient[k]; ok {
			w.Client = c
		}
	}
	if w.Family == FamilyServer && w.Release == "" {
		w.Release = legacyServer[k]
	}
	if w.Build == 7600 || w.Build == 6000 || w.Build == 6001 {
		w.Note = "this build predates the service pack the end-of-life data covers; its support ended earlier, so the date given is the latest possible"
	}
}

// servicePackCycles are the cycles of server releases named without
// their service pack; Server 2003 R2 shared Server 2003 SP2's support.
var servicePackCycles = map[string]string{"2008-r2": "2008-r2-sp1", "2008": "2008-sp2", "2003": "2003-sp2", "2003-r2": "2003-sp2"}

// windowsChoice is one product and the cycles that would be it, in order
// of preference (the first that the data has is taken).
type windowsChoice struct {
	Product string
	Cycles  []string
}

// choices lists what w may be. More than one choice means the name or
// build leaves it open (client or server, which edition); the checker
// then reports an end-of-life date only where all of them agree.
func (w WindowsOS) choices() []windowsChoice {
	switch w.Family {
	case FamilyEmbedded:
		return oneChoice("windows-embedded", w.Release)
	case FamilyServer:
		return w.serverChoices()
	case FamilyClient:
		return w.clientChoices()
	}
	return append(w.clientChoices(), w.serverChoices()...)
}

func oneChoice(product, cycle string) []windowsChoice {
	if cycle == "" {
		return nil
	}
	return []windowsChoice{{product, []string{cycle}}}
}

func (w WindowsOS) serverChoices() []windowsChoice {
	r := w.Release
	if w.Family != FamilyServer || r == "" {
		switch {
		case w.Major == 10:
			r = serverBuilds[w.Build]
		case w.Major > 0:
			r = legacyServer[[2]int{w.Major, w.Minor}]
		}
	}
	if sp, ok := servicePackCycles[r]; ok {
		r = sp
	}
	return oneChoice("windows-server", r)
}

func (w WindowsOS) clientChoices() []windowsChoice {
	client := w.Client
	if client == "" && w.Major > 0 && w.Major < 10 {
		client = legacyClient[[2]int{w.Major, w.Minor}]
	}
	if c, ok := legacyClientCycle[client]; ok {
		return oneChoice("windows", c)
	}
	rel := w.Release
	if (client != "10" && client != "11") || rel == "" || strings.Contains(rel, "-") {
		return nil
	}
	base := client + "-" + rel
	byEdition := map[WindowsEdition][]string{
		EditionConsumer:   {base + "-w", base},
		EditionEnterprise: {base + "-e", base},
		EditionLTSC:       {base + "-e-lts"},
		EditionIoTLTSC:    {base + "-iot-lts", base + "-e-lts"},
		EditionIoT:        {base + "-iot"},
	}
	if cycles, ok := byEdition[w.Edition]; ok {
		return []windowsChoice{{"windows", cycles}}
	}
	var out []windowsChoice
	for _, e := range []WindowsEdition{EditionConsumer, EditionEnterprise, EditionLTSC, EditionIoTLTSC} {
		out = append(out, windowsChoice{"windows", byEdition[e]})
	}
	return out
}
