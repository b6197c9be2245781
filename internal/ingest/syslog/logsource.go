package syslog

import (
	"strconv"
	"strings"
	"time"
)

// services maps a program to the Sigma service its logs are (see the
// package comment).
var services = map[string]string{
	"sshd": "sshd", "sshd-session": "sshd", "sshd-auth": "sshd",
	"sudo": "sudo",
	"cron": "cron", "crond": "cron", "anacron": "cron",
	"auditd": "auditd", "audispd": "auditd", "audisp-syslog": "auditd", "audit": "auditd",
	"vsftpd": "vsftpd",
	"clamd":  "clamav", "freshclam": "clamav", "clamscan": "clamav", "clamav": "clamav",
	"guacd": "guacamole", "guacamole": "guacamole",
}

// serviceOf returns the Sigma service of a program's syslog lines.
func serviceOf(appname string) string {
	p := strings.ToLower(appname)
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.IndexByte(p, '('); i > 0 {
		p = p[:i] // sshd(pam_unix)
	}
	if s, ok := services[p]; ok {
		return s
	}
	return "syslog"
}

// vendorProducts maps device vendors, lower-cased, to the product names
// Sigma rules use for them.
var vendorProducts = map[string]string{
	"fortinet":           "fortigate",
	"palo alto networks": "paloalto",
	"juniper networks":   "juniper",
	"juniper":            "juniper",
	"cisco":              "cisco",
	"cisco systems":      "cisco",
	"huawei":             "huawei",
}

// productOf returns the Sigma product of a CEF or LEEF sender.
func productOf(vendor, product string) string {
	v := strings.ToLower(strings.TrimSpace(vendor))
	if p, ok := vendorProducts[v]; ok {
		return p
	}
	if v == "microsoft" && strings.HasPrefix(strings.ToLower(product), "microsoft-windows") {
		return "windows"
	}
	if v == "" {
		return strings.ToLower(strings.TrimSpace(product))
	}
	return v
}

// parseDeviceTime reads the time a CEF or LEEF sender stamped: milliseconds
// since the epoch, "Mmm dd yyyy hh:mm:ss" (CEF's rt and LEEF's devTime
// default) or "yyyy-mm-dd hh:mm:ss"; times without a zone are UTC.
func parseDeviceTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if isDigits(s) && len(s) >= 10 {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.UnixMilli(ms).UTC(), true
	}
	if len(s) >= 19 && s[4] == '-' && isDigits(s[:4]) {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), true
		}
		if t, err := time.Parse("2006-01-02 15:04:05.999999999", s); err == nil {
			return t, true
		}
		return time.Time{}, false
	}
	if t, rest, ok := parseBSD(s, time.Now().UTC()); ok && strings.TrimSpace(rest) == "" && len(s) > 16 {
		return t.UTC(), true
	}
	return time.Time{}, false
}
