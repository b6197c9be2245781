package sim

import (
	"fmt"
	"time"
)

// wannacry follows the May 2017 worm through a ward still on Windows 7: it
// arrives over SMBv1 (MS17-010), installs its mssecsvc2.0 service, deletes
// shadow copies and the backup catalogue and disables boot recovery, then
// encrypts user files and leaves its ransom notes, on each unpatched host in
// turn. It runs as SYSTEM with no logged-on user; what links the hosts is
// the worm's own traffic: each victim records the SMB connection and the
// null-session logon from the previous one's address.
func wannacry(b *builder) *Scenario {
	hosts := []Host{b.t.Host("WARD3-PC04"), b.t.Host("WARD3-PC02"), b.t.Host("RAD-PC02")}
	sc := &Scenario{
		Title:     "WannaCry-style worm across unpatched Windows 7 workstations (NHS, May 2017)",
		Incidents: 1,
		Note: "the worm runs as SYSTEM, so no user links the hosts; each victim's SMB connection and anonymous logon " +
			"come from the previous victim's address, which links its alerts to the incident already open there",
	}
	const system = `NT AUTHORITY\SYSTEM`
	for i, h := range hosts {
		off := time.Duration(i) * 4 * time.Minute
		src := hosts[(i+len(hosts)-1)%len(hosts)]
		if i == 0 {
			src = Host{Name: "10.40.3.200"} // an unmanaged device on the ward network
		}
		sc.Stages = append(sc.Stages,
			b.stage(h.Name+": SMBv1 exploitation (MS17-010)", off,
				"the previous victim's mssecsvc.exe connects to port 445; the victim logs the inbound SMB connections and an anonymous network logon from its address; the pack has no network rule for the exploit itself",
				nil, b.smbScan(h, src, off)...),
			b.stage(h.Name+": worm service installed", off+20*time.Second,
				"the worm installs mssecsvc2.0, whose mssecsvc.exe scans for the next victims",
				[]string{RuleWannaCryService}, b.wannacryService(h, off+20*time.Second)...),
			b.stage(h.Name+": recovery destroyed", off+time.Minute,
				"tasksche.exe deletes shadow copies and the backup catalogue and disables boot recovery: three precursors on one host",
				[]string{RuleShadowCopyDeletion, RuleBcdeditRecovery, RuleWbadminDeletion, RuleRansomwarePrecursors},
				b.wannacryRecovery(h, off+time.Minute, system)...),
			b.stage(h.Name+": files encrypted", off+90*time.Second,
				"@WanaDecryptor@ encrypts the profile's documents to .WNCRY and drops @Please_Read_Me@.txt",
				[]string{RuleRansomNote, RuleMassFileWrites},
				b.encrypt(h, off+90*time.Second, `C:\ProgramData\kqwoxrjcvdvn291\tasksche.exe`, system, 3112+i, 130,
					func(n int) string {
						return fmt.Sprintf(`C:\Users\%s\Documents\Ward3\obs-chart-%03d.docx.WNCRY`, b.t.Staff[n%4].Account, n)
					},
					func(n int) string {
						return fmt.Sprintf(`C:\Users\%s\Desktop\@Please_Read_Me@.txt`, b.t.Staff[n%4].Account)
					})...),
		)
	}
	return sc
}

// smbScan is the worm reaching h from src over SMBv1: on src (when it is
// one of the trust's hosts) mssecsvc.exe connecting out to port 445; on h
// the kernel's SMB server accepting the connections, and the null-session
// network logon (4624 type 3, ANONYMOUS LOGON over NTLM) that the
// MS17-010 exploit opens, with src's address as its source.
func (b *builder) smbScan(h, src Host, d time.Duration) []Event {
	const system = `NT AUTHORITY\SYSTEM`
	var evs []Event
	if _, name := endpoint(src); name != "-" {
		evs = append(evs, b.connection(src, d-2*time.Second, `C:\WINDOWS\mssecsvc.exe`, system, true, h, 445))
	}
	for i := range 3 {
		evs = append(evs, b.connection(h, d+time.Duration(i)*time.Second, "System", system, false, src, 445))
	}
	ip, _ := endpoint(src)
	evs = append(evs, b.t.win(b.at(d+time.Second), h, chSecurity, 4624, map[string]any{
		"TargetUserName": "ANONYMOUS LOGON", "TargetDomainName": "NT AUTHORITY", "LogonType": 3, "IpAddress": ip, "IpPort": 49210,
		"WorkstationName": "-", "LogonProcessName": "NtLmSsp", "AuthenticationPackageName": "NTLM", "TargetLogonId": fmt.Sprintf("0x%x", 0x3e8000+int(d/time.Second)),
	}))
	return evs
}

// wannacryService is System event 7045 for the worm's two services.
func (b *builder) wannacryService(h Host, d time.Duration) []Event {
	svc := func(at time.Time, name, path string) Event {
		return b.t.win(at, h, chSystem, 7045, map[string]any{
			"ServiceName": name, "ImagePath": path, "ServiceType": "user mode service", "StartType": "auto start", "AccountName": "LocalSystem",
		})
	}
	return []Event{
		svc(b.at(d), "mssecsvc2.0", `C:\WINDOWS\mssecsvc.exe -m security`),
		svc(b.at(d+4*time.Second), "kqwoxrjcvdvn291", `cmd.exe /c "C:\ProgramData\kqwoxrjcvdvn291\tasksche.exe"`),
	}
}

// wannacryRecovery is the command line WannaCry runs to stop recovery.
func (b *builder) wannacryRecovery(h Host, d time.Duration, user string) []Event {
	cmds := []struct{ image, cmd string }{
		{`C:\Windows\System32\vssadmin.exe`, `vssadmin delete shadows /all /quiet`},
		{`C:\Windows\System32\wbem\WMIC.exe`, `wmic shadowcopy delete`},
		{`C:\Windows\System32\bcdedit.exe`, `bcdedit /set {default} bootstatuspolicy ignoreallfailures`},
		{`C:\Windows\System32\bcdedit.exe`, `bcdedit /set {default} recoveryenabled no`},
		{`C:\Windows\System32\wbadmin.exe`, `wbadmin delete catalog -quiet`},
	}
	var evs []Event
	for i, c := range cmds {
		pid := 5200 + i*4
		evs = append(evs, b.t.procEvent(b.at(d+time.Duration(i)*2*time.Second), h, proc{
			image: c.image, cmd: c.cmd, parent: `C:\Windows\System32\cmd.exe`, user: user,
			guid: guid(uint64(pid)<<8|uint64(len(h.Name)), uint64(d)+uint64(i)), pid: pid, integrity: "System",
		}))
	}
	return evs
}
