package syslog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/atna"
)

// ErrATNA: the message carries a DICOM / IHE ATNA AuditMessage that does
// not parse; the error names the element and byte offset, and the event
// holds the syslog fields with the XML as message. A listener quarantines
// such a message.
var ErrATNA = errors.New("malformed ATNA audit message")

// atnaSniff bounds how far into a message the AuditMessage element is
// looked for: after an XML declaration and perhaps a comment.
const atnaSniff = 512

// isATNA reports an ATNA AuditMessage (IHE ITI-20): XML whose root is
// AuditMessage, as RFC 5424 MSG (the BOM is already dropped).
func isATNA(s string) bool {
	if !strings.HasPrefix(s, "<?xml") && !strings.HasPrefix(s, "<AuditMessage") {
		return false
	}
	return strings.Contains(s[:min(len(s), atnaSniff)], "<AuditMessage")
}

// atna fills ev from the AuditMessage in the header's message with
// atna.Message.ToEvent, keeping the syslog header's facility, severity,
// hostname and appname; the AuditSourceID is the host, else the syslog
// hostname, and EventDateTime the time, else the header's.
func (h *header) atna(ev *event.Event) error {
	m, err := atna.Parse([]byte(h.message))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrATNA, err)
	}
	m.ToEvent(ev)
	if ev.Host == "" {
		ev.Host = h.hostname
	}
	if ev.Time.IsZero() && h.hasTime {
		ev.Time = h.time.UTC()
	}
	if h.pri >= 0 {
		ev.Add(fFacility, facilityName(h.pri>>3))
		ev.Add(fSeverity, severityNames[h.pri&7])
	}
	add(ev, fHostname, h.hostname)
	add(ev, fAppname, h.appname)
	return nil
}
