package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Event is one simulated record. Windows events are flat Windows JSON (the
// field names of the event XML, as winjson reads them); network devices'
// events are a syslog line, with the same content as flat JSON for when no
// syslog listener is configured.
type Event struct {
	Time   time.Time
	Host   string         // FQDN of the sender
	Fields map[string]any // flat JSON; TimeCreated is added from Time
	Syslog string         // for network devices: the RFC 5424 line, without a newline
	FHIR   []byte         // for the EPR: a FHIR R4 AuditEvent resource (JSON); Fields is unused
	HL7    string         // for the PAS: an HL7 v2 ADT message; Fields are its flat JSON
}

// JSON returns the event as one line of flat JSON (no newline); a FHIR
// event is its AuditEvent resource.
func (e Event) JSON() ([]byte, error) {
	if e.FHIR != nil {
		return e.FHIR, nil
	}
	m := make(map[string]any, len(e.Fields)+1)
	for k, v := range e.Fields {
		m[k] = v
	}
	if _, ok := m["logsource"]; ok {
		m["@timestamp"] = stamp(e.Time)
	} else {
		m["TimeCreated"] = stamp(e.Time)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode event of %s at %s: %w", e.Host, stamp(e.Time), err)
	}
	return b, nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// Channels and providers of the Windows events the simulator writes.
const (
	chSysmon     = "Microsoft-Windows-Sysmon/Operational"
	chSecurity   = "Security"
	chSystem     = "System"
	chPowerShell = "Microsoft-Windows-PowerShell/Operational"
	chDefender   = "Microsoft-Windows-Windows Defender/Operational"
)

var providers = map[string]string{
	chSysmon:     "Microsoft-Windows-Sysmon",
	chSecurity:   "Microsoft-Windows-Security-Auditing",
	chSystem:     "Service Control Manager",
	chPowerShell: "Microsoft-Windows-PowerShell",
	chDefender:   "Microsoft-Windows-Windows Defender",
}

// win builds a Windows event of host with the common System fields and
// the given EventData fields.
func (t *Trust) win(at time.Time, h Host, channel string, id int, data map[string]any) Event {
	f := map[string]any{
		"Channel":       channel,
		"Provider_Name": providers[channel],
		"EventID":       id,
		"Computer":      h.FQDN(),
		"EventRecordID": t.nextRecord(h.Name),
	}
	for k, v := range data {
		f[k] = v
	}
	if channel == chSysmon {
		f["UtcTime"] = at.UTC().Format("2006-01-02 15:04:05.000")
	}
	return Event{Time: at, Host: h.FQDN(), Fields: f}
}

// guid returns a Sysmon-style process GUID drawn from r's numbers.
func guid(a, b uint64) string {
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", uint32(a), uint16(a>>32), uint16(a>>48), uint16(b), b>>16&0xFFFFFFFFFFFF)
}

// base is the file name of a Windows path.
func base(path string) string {
	return path[strings.LastIndexByte(path, '\\')+1:]
}

// proc is a Sysmon 1 process creation.
type proc struct {
	image, cmd, parent, user, guid string
	pid                            int
	integrity                      string
}

func (t *Trust) procEvent(at time.Time, h Host, p proc) Event {
	integ := p.integrity
	if integ == "" {
		integ = "Medium"
	}
	return t.win(at, h, chSysmon, 1, map[string]any{
		"RuleName": "-", "ProcessGuid": p.guid, "ProcessId": p.pid,
		"Image": p.image, "CommandLine": p.cmd, "OriginalFileName": strings.ToUpper(base(p.image)),
		"CurrentDirectory": `C:\Windows\system32\`, "User": p.user, "IntegrityLevel": integ,
		"ParentImage": p.parent, "ParentCommandLine": base(p.parent),
	})
}

// fileEvent is a Sysmon 11 file creation.
func (t *Trust) fileEvent(at time.Time, h Host, image, pguid string, pid int, user, target string) Event {
	return t.win(at, h, chSysmon, 11, map[string]any{
		"RuleName": "-", "ProcessGuid": pguid, "ProcessId": pid, "Image": image,
		"TargetFilename": target, "CreationUtcTime": at.UTC().Format("2006-01-02 15:04:05.000"), "User": user,
	})
}

// syslog builds a network device's event: an RFC 5424 line with a CEF
// payload, and the same fields as flat JSON.
func syslogEvent(at time.Time, h Host, app string, sev int, cef string, fields map[string]any) Event {
	line := fmt.Sprintf("<%d>1 %s %s %s - - - %s", 16*8+sev, at.UTC().Format(time.RFC3339Nano), h.FQDN(), app, cef)
	f := map[string]any{"logsource": map[string]any{"product": "fortigate", "service": app}, "host": h.FQDN(), "message": cef}
	for k, v := range fields {
		f[k] = v
	}
	return Event{Time: at, Host: h.FQDN(), Fields: f, Syslog: line}
}
