package estate

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vigilhealth/vigil/internal/event"
)

// Fields that reveal what a host is, interned once.
var (
	fData          = event.Intern("Data")
	fMajorVersion  = event.Intern("MajorVersion")
	fMinorVersion  = event.Intern("MinorVersion")
	fBuildVersion  = event.Intern("BuildVersion")
	fImage         = event.Intern("Image")
	fImageLoaded   = event.Intern("ImageLoaded")
	fFileVersion   = event.Intern("FileVersion")
	fCompany       = event.Intern("Company")
	fProduct       = event.Intern("Product")
	fSourceIP      = event.Intern("SourceIp")
	fInitiated     = event.Intern("Initiated")
	fECSOSName     = event.Intern("host.os.name")
	fECSOSVersion  = event.Intern("host.os.version")
	fECSOSKernel   = event.Intern("host.os.kernel")
	fECSOSBuild    = event.Intern("host.os.build")
	fECSHostIP     = event.Intern("host.ip")
	fECSHostname   = event.Intern("host.hostname")
	fDeviceVendor  = event.Intern("deviceVendor")
	fDeviceProduct = event.Intern("deviceProduct")
	fDeviceVersion = event.Intern("deviceVersion")
	fDvc           = event.Intern("dvc")
)

// Limits that keep an inventory bounded whatever the events hold.
const (
	DefaultMaxHosts = 100_000 // hosts an Inventory keeps
	maxSoftware     = 256     // distinct programs kept per host
)

// Inventory learns assets from events: host names, addresses, the Windows
// build (exactly from System event 6009, Kernel-General event 12 or ECS
// host.os fields; approximately from the versions of Windows' own files
// that Sysmon reports), a server role (Kerberos service events 4768, 4769
// and 4771 are logged by domain controllers), and the software seen
// running (Sysmon process creation: company, product, file version). It is
// safe for concurrent use.
type Inventory struct {
	mu      sync.Mutex
	hosts   map[string]*hostState
	order   []string
	max     int
	dropped int64

	lastName, lastKey string // the host of the previous event and its key
}

type hostState struct {
	asset    Asset
	exact    bool           // OSVersion came from a source that states it
	votes    map[[2]int]int // kernel (major, minor) of Windows' own files
	builds   map[[2]int]int // highest known build per kernel among them
	server   bool
	software map[[2]string]int // (company, product) → index in asset.Software
}

// NewInventory returns an empty inventory keeping at most maxHosts hosts
// (DefaultMaxHosts when maxHosts <= 0); events from further hosts are
// counted in Dropped.
func NewInventory(maxHosts int) *Inventory {
	if maxHosts <= 0 {
		maxHosts = DefaultMaxHosts
	}
	return &Inventory{hosts: make(map[string]*hostState), max: maxHosts}
}

// Dropped counts events from hosts beyond the limit.
func (inv *Inventory) Dropped() int64 {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.dropped
}

// Observe learns from one event. It keeps no reference to ev or its
// strings, so the caller may reset and reuse ev at once.
func (inv *Inventory) Observe(ev *event.Event) {
	name := hostOf(ev)
	if name == "" {
		return
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if name != inv.lastName { // events come in runs from one host: fold its name once
		inv.lastName = strings.Clone(name)
		inv.lastKey = hostKey(inv.lastName) // of the copy: the key may share the name's bytes, and ev's are reused
	}
	key := inv.lastKey
	h := inv.hosts[key]
	if h == nil {
		if len(inv.hosts) >= inv.max {
			inv.dropped++
			return
		}
		h = &hostState{asset: Asset{Name: strings.Clone(name), Sources: []string{"events"}}}
		inv.hosts[key] = h
		inv.order = append(inv.order, key)
	}
	h.observe(ev, name)
}

// hostOf returns the host an event comes from.
func hostOf(ev *event.Event) string {
	for _, h := range []string{ev.Host, get(ev, event.Computer), get(ev, fECSHostname)} {
		h = strings.TrimSpace(h)
		if h != "" && h != "-" && !strings.EqualFold(h, "localhost") {
			return h
		}
	}
	return ""
}

func get(ev *event.Event, id event.FieldID) string {
	v, _ := ev.Get(id)
	return v
}

func (h *hostState) observe(ev *event.Event, name string) {
	a := &h.asset
	if !ev.Time.IsZero() {
		a.FirstSeen, a.LastSeen = earliest(a.FirstSeen, ev.Time), latest(a.LastSeen, ev.Time)
	}
	if !strings.Contains(a.Name, ".") && strings.Contains(name, ".") && !isIP(name) {
		a.Name = strings.Clone(name)
	}
	if a.IP == "" {
		a.IP = hostIP(ev, name)
	}
	h.observeRole(ev)
	h.observeOS(ev)
	h.observeSoftware(ev)
	h.observeDevice(ev)
}

// hostIP returns an address of the host itself, if the event gives one:
// the name when it is an address, ECS host.ip, CEF dvc, or the source of a
// connection the host made (Sysmon event 3 with Initiated true).
func hostIP(ev *event.Event, name string) string {
	cands := []string{name, get(ev, fECSHostIP), get(ev, fDvc)}
	if get(ev, event.EventID) == "3" && strings.EqualFold(get(ev, fInitiated), "true") {
		cands = append(cands, get(ev, fSourceIP))
	}
	for _, c := range cands {
		c = strings.TrimSpace(c)
		if !isIP(c) {
			continue
		}
		if ip, err := netip.ParseAddr(c); err == nil && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() && !ip.IsUnspecified() {
			return ip.String()
		}
	}
	return ""
}

// serverChannels are logs only servers keep.
var serverChannels = []string{"Directory Service", "DNS Server", "DFS Replication"}

func (h *hostState) observeRole(ev *event.Event) {
	if h.server {
		return
	}
	ch := get(ev, event.Channel)
	id := get(ev, event.EventID)
	prov := get(ev, event.Provider)
	serverLog := slices.ContainsFunc(serverChannels, func(c string) bool { return strings.EqualFold(c, ch) })
	if serverLog || strings.EqualFold(ch, "Security") && (id == "4768" || id == "4769" || id == "4771") ||
		strings.Contains(prov, "ActiveDirectory_DomainService") || strings.HasPrefix(prov, "MSExchange") {
		h.server = true
		h.settleOS()
	}
}

// observeOS reads the operating system from the events that state it, and
// otherwise from Windows' own file versions.
func (h *hostState) observeOS(ev *event.Event) {
	if name, ver, ok := statedOS(ev); ok {
		h.exact = true
		if name != "" {
			h.asset.OS = name
		}
		if ver != "" {
			h.asset.OSVersion = ver
		}
		h.settleOS()
		return
	}
	if h.exact {
		return
	}
	if k, build, ok := systemFileBuild(ev); ok {
		if h.votes == nil {
			h.votes, h.builds = make(map[[2]int]int), make(map[[2]int]int)
		}
		h.votes[k]++
		h.builds[k] = max(h.builds[k], build)
		h.settleOS()
	}
}

// statedOS returns the OS name and version from events that state them.
func statedOS(ev *event.Event) (name, version string, ok bool) {
	id := get(ev, event.EventID)
	prov := get(ev, event.Provider)
	switch {
	case id == "6009" && (prov == "EventLog" || strings.EqualFold(get(ev, event.Channel), "System")):
		// Data: "6.01.", "7601", "Service Pack 1", "Multiprocessor Free", ...
		i := ev.Index(fData)
		if i < 0 || ev.Next(i) < 0 {
			return "", "", false
		}
		kernel := strings.TrimSuffix(ev.Value(i), ".")
		build := ev.Value(ev.Next(i))
		if v, ok := kernelVersion(kernel, build); ok {
			return "Windows", v, true
		}
	case id == "12" && prov == "Microsoft-Windows-Kernel-General":
		if v, ok := kernelVersion(get(ev, fMajorVersion)+"."+get(ev, fMinorVersion), get(ev, fBuildVersion)); ok {
			return "Windows", v, true
		}
	case get(ev, fECSOSName) != "":
		ver := get(ev, fECSOSKernel)
		if b := get(ev, fECSOSBuild); b != "" && strings.HasPrefix(ver, "10.0.") {
			ver = "10.0." + b // the kernel field repeats the enablement base (19041); build is the release's
		}
		if ver == "" {
			ver = get(ev, fECSOSVersion)
		}
		return strings.Clone(get(ev, fECSOSName)), strings.Clone(ver), true
	}
	return "", "", false
}

// kernelVersion writes major.minor and build as "6.1.7601", reading "6.01"
// as 6.1.
func kernelVersion(kernel, build string) (string, bool) {
	maj, min, ok := strings.Cut(strings.TrimSpace(kernel), ".")
	ma, err1 := strconv.Atoi(maj)
	mi, err2 := strconv.Atoi(min)
	b, err3 := strconv.Atoi(strings.TrimSpace(build))
	if !ok || err1 != nil || err2 != nil || err3 != nil || ma <= 0 || b <= 0 {
		return "", false
	}
	return strconv.Itoa(ma) + "." + strconv.Itoa(mi) + "." + strconv.Itoa(b), true
}

var fileVersionRe = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4,5})\b`)

// systemFileBuild reads the kernel and build from the version of one of
// Windows' own files (in System32 or SysWOW64, by Microsoft), as Sysmon
// process and image-load events report it. Only known Windows builds
// count: System32 also holds redistributables with versions of their own.
func systemFileBuild(ev *event.Event) ([2]int, int, bool) {
	id := get(ev, event.EventID)
	path := ""
	switch id {
	case "1":
		path = get(ev, fImage)
	case "7":
		path = get(ev, fImageLoaded)
	default:
		return [2]int{}, 0, false
	}
	p := strings.ToLower(path)
	if !strings.Contains(p, `\windows\system32\`) && !strings.Contains(p, `\windows\syswow64\`) {
		return [2]int{}, 0, false
	}
	if c := get(ev, fCompany); c != "" && !strings.Contains(c, "Microsoft") {
		return [2]int{}, 0, false
	}
	m := fileVersionRe.FindStringSubmatch(get(ev, fFileVersion))
	if m == nil {
		return [2]int{}, 0, false
	}
	ma, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	b, _ := strconv.Atoi(m[3])
	if w := (WindowsOS{Build: b}); !w.knownBuild() && serverBuilds[b] == "" {
		return [2]int{}, 0, false
	}
	// The kernel must be the build's own: Windows 7's System32 also holds
	// components versioned 7.5.7600 or 5.8.7600.
	k := [2]int{ma, mi}
	if b >= 10240 && k != [2]int{10, 0} || b < 10240 && legacyBuild[b] != k {
		return [2]int{}, 0, false
	}
	return k, b, true
}

// enablementBases are the builds that Windows' files keep through the
// feature updates delivered as enablement packages (19041 for Windows 10
// 2004 to 22H2, 22621 for Windows 11 22H2 and 23H2, 26100 for 24H2 and
// 25H2): a file version in them does not tell the release.
var enablementBases = map[int]bool{19041: true, 22621: true, 26100: true}

// settleOS writes the OS fields from what has been seen.
func (h *hostState) settleOS() {
	a := &h.asset
	if !h.exact && len(h.votes) > 0 {
		var best [2]int
		for k, n := range h.votes {
			if n > h.votes[best] || n == h.votes[best] && (k[0] > best[0] || k[0] == best[0] && k[1] > best[1]) {
				best = k
			}
		}
		a.OS = "Windows"
		a.OSVersion = strconv.Itoa(best[0]) + "." + strconv.Itoa(best[1])
		if b := h.builds[best]; !enablementBases[b] {
			a.OSVersion += "." + strconv.Itoa(b)
		}
	}
	if h.server && (a.OS == "" || strings.EqualFold(a.OS, "windows")) {
		a.OS = "Windows Server"
	}
}

// observeSoftware records a program that Sysmon saw start.
func (h *hostState) observeSoftware(ev *event.Event) {
	if get(ev, event.EventID) != "1" || !strings.Contains(get(ev, event.Channel), "Sysmon") {
		return
	}
	company, product := get(ev, fCompany), get(ev, fProduct)
	if product == "" || product == "-" || company == "-" {
		return
	}
	k := [2]string{company, product}
	ver := get(ev, fFileVersion)
	if v, _, _ := strings.Cut(ver, " "); v != "" {
		ver = v
	}
	if i, ok := h.software[k]; ok {
		if ver != h.asset.Software[i].Version && compareVersions(ver, h.asset.Software[i].Version) > 0 {
			h.asset.Software[i].Version = strings.Clone(ver)
		}
		return
	}
	if len(h.software) >= maxSoftware {
		return
	}
	if h.software == nil {
		h.software = make(map[[2]string]int)
	}
	k = [2]string{strings.Clone(company), strings.Clone(product)}
	h.software[k] = len(h.asset.Software)
	h.asset.Software = append(h.asset.Software, Software{Vendor: k[0], Product: k[1], Version: strings.Clone(ver), Path: strings.Clone(get(ev, fImage))})
}

// observeDevice takes a CEF or LEEF sender's vendor, product and version
// as the asset's own.
func (h *hostState) observeDevice(ev *event.Event) {
	a := &h.asset
	if a.Product != "" {
		return
	}
	if p := get(ev, fDeviceProduct); p != "" {
		a.Vendor, a.Product, a.Version = strings.Clone(get(ev, fDeviceVendor)), strings.Clone(p), strings.Clone(get(ev, fDeviceVersion))
	}
}

// compareVersions compares dotted versions part by part, numerically
// where both parts are numbers.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y string
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		xn, err1 := strconv.Atoi(x)
		yn, err2 := strconv.Atoi(y)
		switch {
		case err1 == nil && err2 == nil && xn != yn:
			return xn - yn
		case (err1 != nil || err2 != nil) && x != y:
			return strings.Compare(x, y)
		}
	}
	return 0
}

// Assets returns the assets learned so far, in the order first seen.
func (inv *Inventory) Assets() []Asset {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	out := make([]Asset, 0, len(inv.order))
	for _, k := range inv.order {
		out = append(out, cloneAsset(inv.hosts[k].asset))
	}
	return out
}

// StatesOS reports, cheaply, whether an event may state its host's
// operating system exactly (System event 6009, Kernel-General event 12,
// ECS host.os fields). Such events are rare and worth more than others to
// an inventory that can only see a sample of the stream.
func StatesOS(ev *event.Event) bool {
	switch get(ev, event.EventID) {
	case "6009", "12":
		return true
	}
	return ev.Has(fECSOSName)
}
