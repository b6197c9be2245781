package winjson

import (
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

var keywords = event.Intern("Keywords")

// top reads the event object: an evtx_dump "Event" member is read as
// Windows XML rendered to JSON, a "logsource" member fills ev.LogSource, and
// everything else is flattened with dotted names.
func (d *decoder) top(prefix bool) {
	s := &d.s
	if c := s.peek(); c != '{' {
		s.fail(s.pos, "unexpected %s, want '{' starting an event object", s.describe(s.pos))
	}
	s.enter('{')
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		switch {
		case string(key) == "Event" && s.peek() == '{':
			d.evtxEvent()
		case string(key) == "Event_attributes":
			s.skip() // only the XML namespace
		case string(key) == "logsource" && s.peek() == '{':
			d.logsource()
		default:
			d.path = append(d.path[:0], key...)
			d.flatValue()
		}
	}
	if prefix {
		return
	}
	s.ws()
	if s.pos < len(s.data) {
		s.fail(s.pos, "unexpected %s after the event object", s.describe(s.pos))
	}
}

// flatValue flattens the value at the scanner under the dotted name in
// d.path: object members extend the name, array elements repeat it.
func (d *decoder) flatValue() {
	s := &d.s
	switch s.peek() {
	case '{':
		s.enter('{')
		mark := len(d.path)
		for first := true; s.more('}', &first); {
			key := d.nextKey()
			d.path = d.path[:mark]
			if mark > 0 {
				d.path = append(d.path, '.')
			}
			d.path = append(d.path, key...)
			d.flatValue()
		}
		d.path = d.path[:mark]
	case '[':
		s.enter('[')
		for first := true; s.more(']', &first); {
			d.flatValue()
		}
	default:
		d.scalar(d.flatID(), toField, false)
	}
}

// logsource reads a Sigma-style logsource object into ev.LogSource; members
// other than product, category and service stay fields.
func (d *decoder) logsource() {
	s := &d.s
	s.enter('{')
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		kind := toField
		switch string(key) {
		case "product":
			kind = toProduct
		case "category":
			kind = toCategory
		case "service":
			kind = toService
		}
		if kind != toField && d.scalar(0, kind, false) {
			continue
		}
		d.path = append(append(d.path[:0], "logsource."...), key...)
		d.flatValue()
	}
}

// renames maps dotted names of flat layouts (lower-cased) onto the Windows
// field names that rules use. Top-level names come from nxlog's im_msvistalog
// and Winlogbeat 6; winlog.* names from Winlogbeat 7 and later.
var renames = map[string]string{
	// nxlog
	"hostname":           "Computer",
	"sourcename":         "Provider_Name",
	"providerguid":       "Provider_Guid",
	"recordnumber":       "EventRecordID",
	"eventtime":          "TimeCreated",
	"executionprocessid": "ExecutionProcessID",
	"executionthreadid":  "ExecutionThreadID",
	"opcodevalue":        "Opcode",
	// Winlogbeat 6
	"computer_name":       "Computer",
	"event_id":            "EventID",
	"log_name":            "Channel",
	"source_name":         "Provider_Name",
	"record_number":       "EventRecordID",
	"provider_guid":       "Provider_Guid",
	"activity_id":         "ActivityID",
	"related_activity_id": "RelatedActivityID",
	"process_id":          "ExecutionProcessID",
	"thread_id":           "ExecutionThreadID",
	// Winlogbeat 7+
	"winlog.channel":             "Channel",
	"winlog.computer_name":       "Computer",
	"winlog.event_id":            "EventID",
	"winlog.provider_name":       "Provider_Name",
	"winlog.provider_guid":       "Provider_Guid",
	"winlog.record_id":           "EventRecordID",
	"winlog.version":             "Version",
	"winlog.activity_id":         "ActivityID",
	"winlog.related_activity_id": "RelatedActivityID",
	"winlog.process.pid":         "ExecutionProcessID",
	"winlog.process.thread.id":   "ExecutionThreadID",
	"winlog.user.identifier":     "UserID",
}

// unwrapped are the prefixes under which Winlogbeat nests EventData and
// UserData; names under them lose the prefix, as in the XML.
var unwrapped = []string{"winlog.event_data.", "winlog.user_data.", "event_data.", "user_data."}

// rename maps a flat layout's dotted name to the name rules use.
func rename(path string) string {
	lower := strings.ToLower(path)
	if to, ok := renames[lower]; ok {
		return to
	}
	for _, p := range unwrapped {
		if len(path) > len(p) && strings.HasPrefix(lower, p) {
			return path[len(p):]
		}
	}
	return path
}

// keywordsHex renders a Keywords bit mask written as a decimal number (nxlog
// writes it as a signed 64-bit integer) in the "0x8000000000000000" form of
// the XML. Anything else is appended as written.
func keywordsHex(dst, num []byte) []byte {
	var u uint64
	var err error
	if len(num) > 0 && num[0] == '-' {
		var v int64
		v, err = strconv.ParseInt(string(num), 10, 64)
		u = uint64(v)
	} else {
		u, err = strconv.ParseUint(string(num), 10, 64)
	}
	if err != nil {
		return append(dst, num...)
	}
	return strconv.AppendUint(append(dst, "0x"...), u, 16)
}

// parseUint parses a decimal unsigned integer.
func parseUint(s string) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
