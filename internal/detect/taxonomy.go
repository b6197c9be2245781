package detect

// The Windows log-source table, from the Sigma taxonomy appendix (v2.1.0,
// "Windows Folder"), with the additions SigmaHQ rules rely on. A Windows
// event's log sources follow from its Channel (service, and category with
// the EventID) or, for ETW providers without a channel of their own, from
// Provider_Name.

const (
	chSysmon       = "Microsoft-Windows-Sysmon/Operational"
	chSecurity     = "Security"
	chPowerShell   = "Microsoft-Windows-PowerShell/Operational"
	chPowerShell7  = "PowerShellCore/Operational"
	chPSClassic    = "Windows PowerShell"
	chDefender     = "Microsoft-Windows-Windows Defender/Operational"
	provKernelFile = "Microsoft-Windows-Kernel-File"
)

// windowsServices maps each Sigma service to the channels it covers.
var windowsServices = []struct {
	service  string
	channels []string
}{
	{"application", []string{"Application"}},
	{"application-experience", []string{"Microsoft-Windows-Application-Experience/Program-Telemetry", "Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant"}},
	{"applocker", []string{"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker/Packaged app-Execution"}},
	{"appmodel-runtime", []string{"Microsoft-Windows-AppModel-Runtime/Admin"}},
	{"appxdeployment-server", []string{"Microsoft-Windows-AppXDeploymentServer/Operational"}},
	{"appxpackaging-om", []string{"Microsoft-Windows-AppxPackaging/Operational"}},
	{"bitlocker", []string{"Microsoft-Windows-BitLocker/BitLocker Management"}},
	{"bits-client", []string{"Microsoft-Windows-Bits-Client/Operational"}},
	{"capi2", []string{"Microsoft-Windows-CAPI2/Operational"}},
	{"certificateservicesclient-lifecycle-system", []string{"Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"}},
	{"codeintegrity-operational", []string{"Microsoft-Windows-CodeIntegrity/Operational"}},
	{"dhcp", []string{"Microsoft-Windows-DHCP-Server/Operational"}},
	{"diagnosis-scripted", []string{"Microsoft-Windows-Diagnosis-Scripted/Operational"}},
	{"dns-client", []string{"Microsoft-Windows-DNS Client Events/Operational"}},
	{"dns-server", []string{"DNS Server"}},
	{"dns-server-analytic", []string{"Microsoft-Windows-DNS-Server/Analytical"}},
	{"dns-server-audit", []string{"Microsoft-Windows-DNS-Server/Audit"}},
	{"driver-framework", []string{"Microsoft-Windows-DriverFrameworks-UserMode/Operational"}},
	{"firewall-as", []string{"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"}},
	{"hyper-v-worker", []string{"Microsoft-Windows-Hyper-V-Worker"}},
	{"iis-configuration", []string{"Microsoft-IIS-Configuration/Operational"}},
	{"kernel-event-tracing", []string{"Microsoft-Windows-Kernel-EventTracing"}},
	// The taxonomy writes the second channel with a "WinEventLog:" prefix,
	// which is a Splunk source name, not part of the channel.
	{"kernel-shimengine", []string{"Microsoft-Windows-Kernel-ShimEngine/Operational", "Microsoft-Windows-Kernel-ShimEngine/Diagnostic"}},
	{"ldap", []string{"Microsoft-Windows-LDAP-Client/Debug"}},
	{"lsa-server", []string{"Microsoft-Windows-LSA/Operational"}},
	{"msexchange-management", []string{"MSExchange Management"}},
	{"ntfs", []string{"Microsoft-Windows-Ntfs/Operational"}},
	{"ntlm", []string{"Microsoft-Windows-NTLM/Operational"}},
	{"openssh", []string{"OpenSSH/Operational"}},
	{"powershell", []string{chPowerShell}},
	{"powershell-classic", []string{chPSClassic}},
	{"printservice-admin", []string{"Microsoft-Windows-PrintService/Admin"}},
	{"printservice-operational", []string{"Microsoft-Windows-PrintService/Operational"}},
	{"security", []string{chSecurity}},
	{"security-mitigations", []string{"Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"}},
	{"sense", []string{"Microsoft-Windows-SENSE/Operational"}},
	{"servicebus-client", []string{"Microsoft-ServiceBus-Client/Operational", "Microsoft-ServiceBus-Client/Admin"}},
	// Not in the taxonomy, used by SigmaHQ rules: an older name of
	// servicebus-client, and the SMB connectivity channels.
	{"microsoft-servicebus-client", []string{"Microsoft-ServiceBus-Client/Operational", "Microsoft-ServiceBus-Client/Admin"}},
	{"smbclient-connectivity", []string{"Microsoft-Windows-SmbClient/Connectivity"}},
	{"smbserver-connectivity", []string{"Microsoft-Windows-SMBServer/Connectivity"}},
	{"shell-core", []string{"Microsoft-Windows-Shell-Core/Operational"}},
	{"smbclient-security", []string{"Microsoft-Windows-SmbClient/Security"}},
	{"sysmon", []string{chSysmon}},
	{"system", []string{"System"}},
	{"taskscheduler", []string{"Microsoft-Windows-TaskScheduler/Operational"}},
	{"terminalservices-localsessionmanager", []string{"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"}},
	{"vhdmp", []string{"Microsoft-Windows-VHDMP/Operational"}},
	{"windefend", []string{chDefender}},
	{"wmi", []string{"Microsoft-Windows-WMI-Activity/Operational"}},
}

// windowsCategories maps each Sigma category to the (channel, EventID)
// pairs that carry it. One event may have several categories (Sysmon 13 is
// both registry_event and registry_set).
var windowsCategories = []struct {
	category string
	channels []string
	events   []uint32
}{
	{"process_creation", []string{chSysmon}, []uint32{1}},
	{"file_change", []string{chSysmon}, []uint32{2}},
	{"network_connection", []string{chSysmon}, []uint32{3}},
	{"sysmon_status", []string{chSysmon}, []uint32{4, 16}},
	{"process_termination", []string{chSysmon}, []uint32{5}},
	{"driver_load", []string{chSysmon}, []uint32{6}},
	{"image_load", []string{chSysmon}, []uint32{7}},
	{"create_remote_thread", []string{chSysmon}, []uint32{8}},
	{"raw_access_thread", []string{chSysmon}, []uint32{9}},
	{"process_access", []string{chSysmon}, []uint32{10}},
	{"file_event", []string{chSysmon}, []uint32{11}},
	{"registry_event", []string{chSysmon}, []uint32{12, 13, 14}},
	{"registry_add", []string{chSysmon}, []uint32{12}},
	{"registry_delete", []string{chSysmon}, []uint32{12}},
	{"registry_set", []string{chSysmon}, []uint32{13}},
	{"registry_rename", []string{chSysmon}, []uint32{14}},
	{"create_stream_hash", []string{chSysmon}, []uint32{15}},
	{"pipe_created", []string{chSysmon}, []uint32{17, 18}},
	{"wmi_event", []string{chSysmon}, []uint32{19, 20, 21}},
	{"dns_query", []string{chSysmon}, []uint32{22}},
	{"file_delete", []string{chSysmon}, []uint32{23}},
	{"clipboard_capture", []string{chSysmon}, []uint32{24}},
	{"process_tampering", []string{chSysmon}, []uint32{25}},
	{"file_delete_detected", []string{chSysmon}, []uint32{26}},
	{"file_block_executable", []string{chSysmon}, []uint32{27}},
	{"file_block_shredding", []string{chSysmon}, []uint32{28}},
	{"file_executable_detected", []string{chSysmon}, []uint32{29}},
	{"sysmon_error", []string{chSysmon}, []uint32{255}},
	{"ps_classic_start", []string{chPSClassic}, []uint32{400}},
	{"ps_classic_provider_start", []string{chPSClassic}, []uint32{600}},
	{"ps_classic_script", []string{chPSClassic}, []uint32{800}},
	{"ps_module", []string{chPowerShell, chPowerShell7}, []uint32{4103}},
	{"ps_script", []string{chPowerShell, chPowerShell7}, []uint32{4104}},
	// Security audit process creation, with Sysmon-style aliases added
	// (see aliases.go), as the usual Windows audit mappings do.
	{"process_creation", []string{chSecurity}, []uint32{4688}},
	// Sigma's generic antivirus category, for Defender's detection and
	// remediation events, with Signature and Filename aliases.
	{"antivirus", []string{chDefender}, defenderDetections},
}

// defenderDetections are the Defender events that report a threat: found
// (1006, 1116), acted on (1007, 1117), action failed (1008, 1118, 1119),
// suspicious behaviour (1015).
var defenderDetections = []uint32{1006, 1007, 1008, 1015, 1116, 1117, 1118, 1119}

// providerCategories covers ETW providers whose events have no fixed
// channel: matched on Provider_Name when the channel is not in the table.
// The taxonomy gives no event ids for these; every Kernel-File event is a
// file access, and its rename events (19 Rename, 27 RenamePath) are also
// file_rename.
var providerCategories = []struct {
	category string
	provider string
	events   []uint32 // nil: every event of the provider
}{
	{"file_access", provKernelFile, nil},
	{"file_rename", provKernelFile, []uint32{19, 27}},
}
