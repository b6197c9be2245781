package detect

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigilhealth/vigil/internal/event"
)

// Some Windows events carry a Sigma category under other field names than
// the rules of that category use. For those, the taxonomy names are added
// as extra fields, only when the event does not already have them, so that
// the rules work unchanged and the original fields stay as they were.
//
// Security 4688 (process_creation), following the usual Windows audit
// mappings onto Sysmon event 1 names:
//
//	added field      taken from
//	Image            NewProcessName
//	ParentImage      ParentProcessName
//	ParentProcessId  ProcessId (the creator's id), hexadecimal to decimal as Sysmon writes it
//	User             TargetDomainName\TargetUserName when the target account is set,
//	                 else SubjectDomainName\SubjectUserName; SIDs S-1-5-18, -19 and -20
//	                 become NT AUTHORITY\SYSTEM, LOCAL SERVICE and NETWORK SERVICE
//	LogonId          TargetLogonId when set, else SubjectLogonId
//	IntegrityLevel   MandatoryLabel: S-1-16-0 Untrusted, -4096 Low, -8192 Medium,
//	                 -8448 Medium, -12288 High, -16384 System, -20480 Protected
//
// CommandLine has the same name in both. Event 4688 has no ParentCommandLine,
// CurrentDirectory, hashes or OriginalFileName, so rules on those cannot
// match it. Its own ProcessId field is the creator's id; it is not renamed.
//
// Windows Defender (service windefend) names its fields with spaces
// ("Threat Name", "Process Name"); SigmaHQ's windefend rules write them
// without ("ThreatName", "ProcessName"), so every Defender field whose name
// has spaces is also added without them. Its detection events (category
// antivirus) also get the taxonomy's antivirus names:
//
//	added field  taken from
//	Signature    Threat Name (or ThreatName)
//	Filename     Path, without Defender's "file:_" prefix

// AddAliases adds to ev the alias fields its log source calls for (see
// above), when absent. Matcher.Match calls it; callers that evaluate rules
// themselves call it first. It may allocate for the composed values of a
// 4688 event (User, ParentProcessId).
func AddAliases(ev *event.Event) {
	if declared(ev) {
		return
	}
	if fn := classes[windowsClass(ev)].aliases; fn != nil {
		fn(ev)
	}
}

// aliasesFor names and returns the alias function for a channel's event
// id (noEventID: any other event of the channel).
func aliasesFor(channel string, id uint32) (string, func(*event.Event)) {
	switch {
	case channel == chSecurity && id == 4688:
		return "4688", alias4688
	case channel == chDefender && slices.Contains(defenderDetections, id):
		return "defender-detection", aliasDefenderDetection
	case channel == chDefender:
		return "defender", aliasDefender
	}
	return "", nil
}

// Field ids used by the aliases.
var (
	fImage             = event.Intern("Image")
	fParentImage       = event.Intern("ParentImage")
	fParentProcessID   = event.Intern("ParentProcessId")
	fUser              = event.Intern("User")
	fLogonID           = event.Intern("LogonId")
	fIntegrityLevel    = event.Intern("IntegrityLevel")
	fNewProcessName    = event.Intern("NewProcessName")
	fParentProcessName = event.Intern("ParentProcessName")
	fProcessID         = event.Intern("ProcessId")
	fTargetUserSid     = event.Intern("TargetUserSid")
	fTargetUserName    = event.Intern("TargetUserName")
	fTargetDomainName  = event.Intern("TargetDomainName")
	fTargetLogonID     = event.Intern("TargetLogonId")
	fSubjectUserSid    = event.Intern("SubjectUserSid")
	fSubjectUserName   = event.Intern("SubjectUserName")
	fSubjectDomainName = event.Intern("SubjectDomainName")
	fSubjectLogonID    = event.Intern("SubjectLogonId")
	fMandatoryLabel    = event.Intern("MandatoryLabel")
	fSignature         = event.Intern("Signature")
	fThreatName        = event.Intern("Threat Name")
	fThreatNameJoined  = event.Intern("ThreatName")
	fFilename          = event.Intern("Filename")
	fPath              = event.Intern("Path")
)

// copyField adds to the value of from under the name to, when ev has from
// and not to.
func copyField(ev *event.Event, to, from event.FieldID) {
	if ev.Has(to) {
		return
	}
	if v, ok := ev.Get(from); ok {
		ev.Add(to, v)
	}
}

func alias4688(ev *event.Event) {
	copyField(ev, fImage, fNewProcessName)
	copyField(ev, fParentImage, fParentProcessName)
	if !ev.Has(fParentProcessID) {
		if v, ok := ev.Get(fProcessID); ok {
			ev.Add(fParentProcessID, hexToDecimal(v))
		}
	}
	if !ev.Has(fUser) {
		if u := auditUser(ev); u != "" {
			ev.Add(fUser, u)
		}
	}
	if !ev.Has(fLogonID) {
		if v, ok := ev.Get(fTargetLogonID); ok && v != "" && v != "0x0" {
			ev.Add(fLogonID, v)
		} else {
			copyField(ev, fLogonID, fSubjectLogonID)
		}
	}
	if !ev.Has(fIntegrityLevel) {
		if v, ok := ev.Get(fMandatoryLabel); ok {
			if lvl := integrityLevel(v); lvl != "" {
				ev.Add(fIntegrityLevel, lvl)
			}
		}
	}
}

// hexToDecimal turns "0x1a4" into "420"; other values are kept as they are.
func hexToDecimal(v string) string {
	if len(v) > 2 && (v[:2] == "0x" || v[:2] == "0X") {
		if n, err := strconv.ParseUint(v[2:], 16, 64); err == nil {
			return strconv.FormatUint(n, 10)
		}
	}
	return v
}

// auditUser composes the Sysmon-style User (DOMAIN\name) of the new process.
func auditUser(ev *event.Event) string {
	sid, _ := ev.Get(fTargetUserSid)
	name, _ := ev.Get(fTargetUserName)
	domain, _ := ev.Get(fTargetDomainName)
	if name == "" || name == "-" || sid == "S-1-0-0" {
		sid, _ = ev.Get(fSubjectUserSid)
		name, _ = ev.Get(fSubjectUserName)
		domain, _ = ev.Get(fSubjectDomainName)
	}
	switch strings.ToUpper(sid) {
	case "S-1-5-18":
		return `NT AUTHORITY\SYSTEM`
	case "S-1-5-19":
		return `NT AUTHORITY\LOCAL SERVICE`
	case "S-1-5-20":
		return `NT AUTHORITY\NETWORK SERVICE`
	}
	if name == "" || name == "-" {
		return ""
	}
	if domain == "" || domain == "-" {
		return name
	}
	return domain + `\` + name
}

// integrityLevel names a mandatory label SID as Sysmon does.
func integrityLevel(sid string) string {
	switch strings.ToUpper(sid) {
	case "S-1-16-0":
		return "Untrusted"
	case "S-1-16-4096":
		return "Low"
	case "S-1-16-8192", "S-1-16-8448":
		return "Medium"
	case "S-1-16-12288":
		return "High"
	case "S-1-16-16384":
		return "System"
	case "S-1-16-20480":
		return "Protected"
	}
	return ""
}

// aliasDefender adds, for each Defender field whose name has spaces
// ("Threat Name"), the same field without them ("ThreatName"): the names
// SigmaHQ's windefend rules use.
func aliasDefender(ev *event.Event) {
	n := ev.Len()
	for i := 0; i < n; i++ {
		id, v := ev.Field(i)
		to := spacelessAlias(id)
		if to == 0 {
			continue
		}
		if j := ev.Index(to); j >= 0 && j < n {
			continue // the event has it itself
		}
		ev.Add(to, v)
	}
}

func aliasDefenderDetection(ev *event.Event) {
	aliasDefender(ev)
	copyField(ev, fSignature, fThreatName)
	copyField(ev, fSignature, fThreatNameJoined)
	if !ev.Has(fFilename) {
		if v, ok := ev.Get(fPath); ok {
			ev.Add(fFilename, strings.TrimPrefix(v, "file:_"))
		}
	}
}

// spacelessAlias returns the id of id's name with its spaces removed, or
// 0 when the name has none. Results are cached in a copy-on-write table:
// reads take no lock; a Defender event has few distinct fields.
func spacelessAlias(id event.FieldID) event.FieldID {
	if t := *spaceless.table.Load(); int(id) < len(t) && t[id] != 0 {
		return t[id] - 1
	}
	spaceless.mu.Lock()
	defer spaceless.mu.Unlock()
	old := *spaceless.table.Load()
	if int(id) < len(old) && old[id] != 0 {
		return old[id] - 1
	}
	alias := event.FieldID(0)
	if name := id.String(); strings.Contains(name, " ") {
		alias = event.Intern(strings.ReplaceAll(name, " ", ""))
	}
	t := make([]event.FieldID, max(len(old), int(id)+1))
	copy(t, old)
	t[id] = alias + 1 // 0 stays "not computed yet"
	spaceless.table.Store(&t)
	return alias
}

var spaceless struct {
	mu    sync.Mutex
	table atomic.Pointer[[]event.FieldID] // by FieldID: alias+1, 0 when not computed
}

func init() { spaceless.table.Store(new([]event.FieldID)) }
