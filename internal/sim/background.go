package sim

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"sort"
	"time"
)

// Background returns the trust's ordinary traffic from start for d, about
// rate events a second, in time order: clinical applications starting and
// connecting, documents saved, logons and logoffs, scheduled tasks, Defender
// signature updates, boot records of the legacy hosts, VPN logins with MFA,
// firewall traffic, the EPR's FHIR AuditEvents of clinicians reading and
// searching their wards' patients (mostly in working hours) and the PAS's
// ADT feed (admissions, transfers, discharges, updates). The same seed, start, d and rate give the same
// events (the stream of randomness depends on seed and start). None of it should raise a high or critical alert.
func (t *Trust) Background(start time.Time, d time.Duration, rate float64) iter.Seq[Event] {
	return func(yield func(Event) bool) {
		if rate <= 0 || d <= 0 {
			return
		}
		// The stream depends on start too, so that consecutive stretches of
		// background differ yet each is repeatable.
		r := t.rng(1 ^ uint64(start.UnixNano()))
		step := time.Duration(float64(time.Second) / rate)
		// Some ticks make an event for later (a logoff); pending holds them,
		// sorted, until their time comes, so that the sequence is in time
		// order and a Player never waits on a later event.
		var pending []Event
		for at := start; at.Before(start.Add(d)); at = at.Add(step) {
			pending = append(pending, t.backgroundAt(r, at)...)
			sort.SliceStable(pending, func(i, j int) bool { return pending[i].Time.Before(pending[j].Time) })
			n := 0
			for n < len(pending) && !pending[n].Time.After(at) {
				if !yield(pending[n]) {
					return
				}
				n++
			}
			pending = pending[n:]
		}
		for _, ev := range pending {
			if !yield(ev) {
				return
			}
		}
	}
}

// clinicalApps are what staff run on ward and reporting workstations.
var clinicalApps = []struct{ image, cmd, remote string }{
	{`C:\Program Files (x86)\EPR\EPRClient.exe`, `"EPRClient.exe" /ward:%d`, "EPR-SRV01"},
	{`C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`, `"OUTLOOK.EXE" /recycle`, "outlook.office365.com"},
	{`C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, `"WINWORD.EXE" /n "\\FILE-SRV02\Wards\Ward%d\handover.docx"`, "FILE-SRV02"},
	{`C:\Program Files\Google\Chrome\Application\chrome.exe`, `"chrome.exe" https://nhsmail.nhs.net --ward=%d`, "portal.nhs.net"},
	{`C:\Program Files\PACS\Viewer\PACSViewer.exe`, `"PACSViewer.exe" -server PACS-SRV01 -ward %d`, "PACS-SRV01"},
}

// backgroundAt makes the events of one tick: usually one, sometimes a pair
// (a process and its connection, a logon and its logoff).
func (t *Trust) backgroundAt(r *rand.Rand, at time.Time) []Event {
	ws := t.hostsOf(Workstation)
	h := ws[r.IntN(len(ws))]
	p := t.Staff[r.IntN(12)] // clinical staff only
	pid := 2000 + r.IntN(30000)
	g := guid(r.Uint64(), r.Uint64())
	switch n := r.IntN(100); {
	case n < 35:
		app := clinicalApps[r.IntN(len(clinicalApps))]
		cmd := app.cmd
		if containsVerb(cmd) {
			cmd = fmt.Sprintf(cmd, 1+r.IntN(8))
		}
		ev := t.procEvent(at, h, proc{image: app.image, cmd: cmd, parent: `C:\Windows\explorer.exe`, user: p.Qualified(), guid: g, pid: pid})
		conn := t.win(at.Add(300*time.Millisecond), h, chSysmon, 3, map[string]any{
			"RuleName": "-", "ProcessGuid": g, "ProcessId": pid, "Image": app.image, "User": p.Qualified(),
			"Protocol": "tcp", "Initiated": "true", "SourceHostname": h.FQDN(), "SourcePort": 49152 + r.IntN(16000),
			"DestinationHostname": app.remote, "DestinationPort": 443,
		})
		return []Event{ev, conn}
	case n < 50:
		return []Event{t.win(at, h, chSecurity, 4688, map[string]any{
			"SubjectUserName": p.Account, "SubjectDomainName": NetBIOS, "NewProcessName": clinicalApps[r.IntN(len(clinicalApps))].image,
			"NewProcessId": fmt.Sprintf("0x%x", pid), "ParentProcessName": `C:\Windows\explorer.exe`, "TokenElevationType": "%%1938",
		})}
	case n < 60:
		// A document saved into the user's profile: one file per process, far
		// below the mass-write correlation's hundred a minute.
		img := clinicalApps[2].image
		return []Event{t.fileEvent(at, h, img, g, pid, p.Qualified(), fmt.Sprintf(`C:\Users\%s\Documents\notes-%d.docx`, p.Account, r.IntN(500)))}
	case n < 72 && workingHours(at), n < 66:
		// The EPR's audit of a clinician opening a patient's record or
		// searching the ward's patients, mostly in working hours.
		return []Event{t.auditEvent(r, at, p, wardOf(h), h)}
	case n < 78:
		id := fmt.Sprintf("0x%x", r.Uint32())
		logon := t.win(at, h, chSecurity, 4624, map[string]any{
			"TargetUserName": p.Account, "TargetDomainName": NetBIOS, "LogonType": 2 + 8*r.IntN(2), "TargetLogonId": id,
			"LogonProcessName": "User32", "AuthenticationPackageName": "Negotiate", "WorkstationName": h.Name, "IpAddress": "127.0.0.1",
		})
		logoff := t.win(at.Add(time.Duration(1+r.IntN(20))*time.Second), h, chSecurity, 4634, map[string]any{
			"TargetUserName": p.Account, "TargetDomainName": NetBIOS, "TargetLogonId": id, "LogonType": 2,
		})
		return []Event{logon, logoff}
	case n < 84:
		return []Event{t.procEvent(at, h, proc{image: `C:\Program Files (x86)\Google\Update\GoogleUpdate.exe`, cmd: `"GoogleUpdate.exe" /ua /installsource scheduler`,
			parent: `C:\Windows\System32\svchost.exe`, user: `NT AUTHORITY\SYSTEM`, guid: g, pid: pid, integrity: "System"})}
	case n < 89:
		return []Event{t.procEvent(at, h, proc{image: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MpCmdRun.exe`,
			cmd: `"MpCmdRun.exe" -SignatureUpdate -MMPC`, parent: `C:\Windows\System32\svchost.exe`, user: `NT AUTHORITY\SYSTEM`, guid: g, pid: pid, integrity: "System"}),
			t.win(at.Add(2*time.Second), h, chDefender, 2000, map[string]any{"Product Name": "Microsoft Defender Antivirus", "Signature Type": "AntiVirus", "Update Type": "Delta"})}
	case n < 91:
		return []Event{t.bootRecord(at, t.Hosts[r.IntN(len(t.Hosts)-2)])}
	case n < 92:
		// A mistyped password now and then, spread over many accounts.
		return []Event{t.win(at, h, chSecurity, 4625, map[string]any{
			"TargetUserName": p.Account, "TargetDomainName": NetBIOS, "LogonType": 2, "Status": "0xc000006d", "SubStatus": "0xc000006a", "WorkstationName": h.Name,
		})}
	case n < 93:
		return []Event{t.adtMessage(r, at, 1+r.IntN(8))}
	case n < 95:
		return []Event{t.vpnLogin(at, p.Account, fmt.Sprintf("81.%d.%d.%d", r.IntN(200), r.IntN(250), 1+r.IntN(250)), true)}
	default:
		return []Event{t.firewallTraffic(r, at, h)}
	}
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 'd' {
			return true
		}
	}
	return false
}

// wardOf returns the ward number of a ward workstation (WARD3-PC01), and
// 1 for any other host.
func wardOf(h Host) int {
	var w int
	if _, err := fmt.Sscanf(h.Name, "WARD%d-", &w); err != nil || w < 1 {
		return 1
	}
	return w
}

// bootRecord is System event 6009, which Windows writes at each start with
// its version and build: the one place its event logs say which OS it runs.
func (t *Trust) bootRecord(at time.Time, h Host) Event {
	ev := t.win(at, h, chSystem, 6009, map[string]any{"Data": []string{h.Version, h.Build, servicePack(h), "Multiprocessor Free", "17514"}})
	ev.Fields["Provider_Name"] = "EventLog"
	ev.Fields["OperatingSystem"] = h.OS
	return ev
}

func servicePack(h Host) string {
	if h.Legacy() {
		return "Service Pack 1"
	}
	return ""
}

// vpnLogin is the VPN concentrator's record of a remote access login, with or
// without a second factor.
func (t *Trust) vpnLogin(at time.Time, account, srcIP string, mfa bool) Event {
	h := t.Host("VPN01")
	method := "FortiToken"
	if !mfa {
		method = "none"
	}
	cef := fmt.Sprintf("CEF:0|Fortinet|FortiGate|7.2.8|0101039424|SSL VPN login success|3|src=%s duser=%s act=tunnel-up cs1Label=mfa cs1=%s deviceExternalId=FGVM02TM24000001",
		srcIP, account, method)
	return syslogEvent(at, h, "sslvpn", 5, cef, map[string]any{"src": srcIP, "duser": account, "act": "tunnel-up", "mfa": method})
}

// firewallTraffic is an allowed outbound connection the firewall logs.
func (t *Trust) firewallTraffic(r *rand.Rand, at time.Time, h Host) Event {
	dst := []string{"52.97.146.2", "20.190.159.4", "142.250.187.206"}[r.IntN(3)]
	cef := fmt.Sprintf("CEF:0|Fortinet|FortiGate|7.2.8|0000000013|forward traffic accept|2|src=10.%d.%d.%d dst=%s dpt=443 proto=6 act=accept shost=%s",
		10+r.IntN(8), r.IntN(250), 1+r.IntN(250), dst, h.Name)
	return syslogEvent(at, t.Host("FW01"), "traffic", 6, cef, map[string]any{"dst": dst, "dpt": 443, "act": "accept", "shost": h.Name})
}
