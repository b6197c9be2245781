package syslog

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigilhealth/vigil/internal/event"
)

// Errors that Parse wraps, for callers to branch on.
var (
	// ErrNotSyslog: the line has no syslog header; the event holds it as
	// its message.
	ErrNotSyslog = errors.New("not a syslog line")
	// ErrBinary: the line holds NUL bytes or invalid UTF-8; the event is
	// empty.
	ErrBinary = errors.New("binary data")
	// ErrMalformed: a CEF, LEEF or structured data part is malformed; the
	// event holds what could be read, and the whole line as message.
	ErrMalformed = errors.New("malformed")
)

// Field names.
var (
	fFacility   = event.Intern("facility")
	fSeverity   = event.Intern("severity")
	fSysSev     = event.Intern("syslog.severity")
	fHostname   = event.Intern("hostname")
	fAppname    = event.Intern("appname")
	fProcid     = event.Intern("procid")
	fMsgid      = event.Intern("msgid")
	fMessage    = event.Intern("message")
	fCEFVersion = event.Intern("cefVersion")
	fLEEFVer    = event.Intern("leefVersion")
	fVendor     = event.Intern("deviceVendor")
	fProduct    = event.Intern("deviceProduct")
	fDevVersion = event.Intern("deviceVersion")
	fSigID      = event.Intern("signatureId")
	fName       = event.Intern("name")
)

// Parse reads one line into ev, resetting it first; a trailing line break
// is ignored. ref is the reference time for BSD timestamps, which carry no
// year (the zero time means now). See the package comment for the fields
// and the errors.
func Parse(line []byte, ev *event.Event, ref time.Time) error {
	ev.Reset()
	line = trimEOL(line)
	if err := checkText(line); err != nil {
		return err
	}
	if ref.IsZero() {
		ref = time.Now()
	}
	s := string(line) // every field is a substring of this one copy
	h, ok := parseHeader(s, ref)
	if !ok {
		return parseBare(s, ev)
	}
	return h.fill(ev)
}

// parseBare reads a line without a syslog header: a CEF or LEEF payload, an
// audit record, or plain text.
func parseBare(s string, ev *event.Event) error {
	ev.Add(fMessage, s)
	switch {
	case isPayload(s):
		return payload(s, ev, nil)
	case isAudit(s):
		return audit(s, ev)
	}
	return ErrNotSyslog
}

// fill adds the header's fields and its message's payload to ev. An ATNA
// AuditMessage becomes an ATNA event (see atna); one that does not parse
// leaves the plain syslog fields and an error wrapping ErrATNA.
func (h *header) fill(ev *event.Event) error {
	var atnaErr error
	if isATNA(h.message) {
		if atnaErr = h.atna(ev); atnaErr == nil {
			return nil
		}
		ev.Reset()
	}
	if h.hasTime {
		ev.Time = h.time.UTC()
	}
	ev.Host = h.hostname
	ev.LogSource = event.LogSource{Product: "linux", Service: serviceOf(h.appname)}
	sev := fSeverity
	if strings.HasPrefix(h.message, "CEF:") {
		sev = fSysSev // CEF's own severity takes the name
	}
	if h.pri >= 0 {
		ev.Add(fFacility, facilityName(h.pri>>3))
		ev.Add(sev, severityNames[h.pri&7])
	}
	add(ev, fHostname, h.hostname)
	add(ev, fAppname, h.appname)
	add(ev, fProcid, h.procid)
	add(ev, fMsgid, h.msgid)
	for _, p := range h.sd {
		ev.Add(event.Intern("sd."+p.id+"."+p.name), p.value)
	}
	ev.Add(fMessage, h.message)
	err := atnaErr
	if h.sdErr != nil && err == nil {
		err = h.sdErr
	}
	switch {
	case isPayload(h.message):
		if perr := payload(h.message, ev, h); perr != nil {
			err = perr
		}
	case isAudit(h.message):
		ev.LogSource.Service = "auditd"
		if aerr := audit(h.message, ev); aerr != nil {
			err = aerr
		}
	}
	return err
}

// add adds a value unless it is empty (RFC 5424's "-" arrives empty).
func add(ev *event.Event, id event.FieldID, v string) {
	if v != "" {
		ev.Add(id, v)
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// checkText rejects binary data: NUL bytes or invalid UTF-8.
func checkText(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return fmt.Errorf("%w: NUL byte at byte %d", ErrBinary, i)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrBinary, i)
		}
		i += n
	}
	return nil
}

var facilityNames = [...]string{
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
}

func facilityName(f int) string {
	if f < len(facilityNames) {
		return facilityNames[f]
	}
	return fmt.Sprint(f)
}

var severityNames = [...]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}
