package sim

import (
	"fmt"
	"time"
)

// wannacry follows the May 2017 worm through a ward still on Windows 7: it
// arrives over SMBv1 (MS17-010), installs its mssecsvc2.0 service, deletes
// shadow copies and the backup catalogue and disables boot recovery, then
// encrypts user files and leaves its ransom notes, on each unpatched host in
// turn. It runs as SYSTEM with no logged-on user, so Vigil groups its alerts
// by host: one incident per infected host.
func wannacry(b *builder) *Scenario {
	hosts := []Host{b.t.Host("WARD3-PC04"), b.t.Host("WARD3-PC02"), b.t.Host("RAD-PC02")}
	sc := &Scenario{
		Title:     "WannaCry-style worm across unpatched Windows 7 workstations (NHS, May 2017)",
		Incidents: len(hosts),
		Note:      "the worm runs as SYSTEM, so no user links the hosts: one incident per infected host",
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
				"inbound SMBv1 connections from the previous victim; the pack has no network rule for the exploit itself",
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

// smbScan is the victim's Sysmon record of SMB connections arriving from
// src, the worm's exploit traffic, and the kernel's SMBv1 server answering.
func (b *builder) smbScan(h, src Host, d time.Duration) []Event {
	var evs []Event
	for i := range 3 {
		evs = append(evs, b.t.win(b.at(d+time.Duration(i)*time.Second), h, chSysmon, 3, map[string]any{
			"RuleName": "-", "ProcessGuid": "{00000000-0000-0000-0000-000000000004}", "ProcessId": 4, "Image": "System",
			"User": `NT AUTHORITY\SYSTEM`, "Protocol": "tcp", "Initiated": "false", "SourceHostname": src.Name,
			"SourcePort": 49200 + i, "DestinationHostname": h.FQDN(), "DestinationPort": 445, "DestinationPortName": "microsoft-ds",
		}))
	}
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
