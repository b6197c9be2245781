// Package syslog parses syslog lines (RFC 3164 and RFC 5424), the CEF and
// LEEF payloads that security devices send over syslog, Linux audit
// records, and plain text lines into event.Event.
//
// Fields. The header gives facility and severity (names such as "auth" and
// "crit", from PRI), hostname, appname (the RFC 3164 tag or the RFC 5424
// APP-NAME), procid, msgid and message; each RFC 5424 structured data
// parameter is a field "sd.<SD-ID>.<param>". A line without PRI (as in
// /var/log/auth.log) has no facility or severity: nothing is made up.
// ev.Time is the header's timestamp in UTC: a BSD timestamp ("Mmm dd
// hh:mm:ss", optionally with a year before the time) is read in the
// reference time's location, in the latest year that does not put it more
// than a month after the reference time; ev.Host is the hostname.
//
// CEF payloads add cefVersion, deviceVendor, deviceProduct, deviceVersion,
// signatureId, name and severity from the header, and each extension
// key=value pair under its key, unescaped (\=, \\, \n, \r, \|; any other
// backslash is kept, as Windows paths arrive unescaped). CEF's severity
// takes the name "severity", so the header PRI severity of such a line is
// kept as "syslog.severity". LEEF 1.0 and 2.0 payloads add leefVersion,
// deviceVendor, deviceProduct, deviceVersion and signatureId (LEEF's
// EventID, named so that it cannot be mistaken for a Windows EventID) and
// each attribute; LEEF 2.0's delimiter field may be a character or its hex
// code (0x5E, x5E), and attributes that hold the two characters `\t`
// where the tab delimiter should be are split there too. CEF's rt and
// LEEF's devTime give ev.Time when the header has none.
//
// Linux audit records (type=... msg=audit(...): key=value ...), read
// straight from audit.log or relayed by audispd, add each key=value pair,
// with the nested msg='...' of user-space records flattened too and the
// hex-encoded command lines of EXECVE arguments, proctitle and cmd decoded.
// Their time comes from the audit(...) stamp.
//
// DICOM / IHE ATNA audit messages (IHE ITI-20: an RFC 3881 or DICOM
// PS3.15 AuditMessage as the RFC 5424 MSG, usually after a BOM) are read
// with package atna into a dicom/atna event (user.id, patient.id, ...; see
// atna.Message.ToEvent) that keeps facility, severity, hostname and
// appname. An AuditMessage that does not parse gives the plain syslog event
// and an error wrapping ErrATNA with the parser's reason; the listener
// quarantines it.
//
// Log sources. Syslog lines are LogSource{Product: "linux", Service:
// "syslog"}, refined by program (the appname, lower-cased, without a
// path or a "(pam_unix)"-style suffix) to the services that SigmaHQ's
// Linux rules name:
//
//	sshd, sshd-session, sshd-auth             service sshd
//	sudo                                      service sudo
//	cron, crond, anacron                      service cron
//	auditd, audispd, audisp-syslog, audit     service auditd (and audit records)
//	vsftpd                                    service vsftpd
//	clamd, freshclam, clamscan, clamav        service clamav
//	guacd, guacamole                          service guacamole
//
// CEF and LEEF events get Product from the device vendor in lower case,
// with the names Sigma uses for some (Fortinet → fortigate, Palo Alto
// Networks → paloalto, Juniper Networks → juniper, Cisco → cisco,
// Microsoft-Windows-* products → windows); ev.Host is the syslog hostname,
// else CEF's dvchost. Plain text lines get no log source.
//
// A line that has no syslog header and no CEF, LEEF or audit payload
// still becomes an event whose message is the whole line, so that keyword
// rules search it; Parse then returns ErrNotSyslog. A line holding NUL
// bytes or invalid UTF-8 is binary data, not a log line: Parse returns an
// error wrapping ErrBinary. Parsed strings never alias the input line.
package syslog
