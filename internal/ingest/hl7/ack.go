package hl7

import (
	"fmt"
	"time"
)

// ACK builds the acknowledgement of msg: code is AA (accepted), AE (error)
// or AR (rejected), or their enhanced-mode forms CA/CE/CR; text, if any,
// goes in MSA-3 (escaped). The reply uses msg's delimiters and version;
// its sending application and facility are msg's receiving ones and vice
// versa; MSH-9 is ACK with msg's trigger event; MSA-2 is msg's control id;
// the reply's own control id and MSH-7 come from now. msg may be nil (a
// message too broken to parse), giving an ACK with default delimiters and
// empty addresses. Segments end in CR.
func ACK(msg *Message, code string, text string, now time.Time) []byte {
	d := DefaultDelimiters
	var msh *Segment
	if msg != nil {
		d, msh = msg.delims, &msg.segments[0]
	}
	field := func(n int) string { // encoded, copied as the sender wrote it
		if msh == nil {
			return ""
		}
		return msh.Field(n)
	}
	msgType := "ACK"
	if msg != nil {
		if _, trigger, _ := msg.Type(); trigger != "" {
			msgType += string(d.Component) + d.EscapeValue(trigger) + string(d.Component) + "ACK"
		}
	}
	processing, version := field(11), field(12)
	if processing == "" {
		processing = "P"
	}
	controlID := ""
	if msg != nil {
		controlID = d.EscapeValue(msg.ControlID())
	}
	f := string(d.Field)
	out := "MSH" + d.String() +
		f + field(5) + f + field(6) + f + field(3) + f + field(4) +
		f + now.Format("20060102150405-0700") + f +
		f + msgType + f + ackControlID(now) + f + processing + f + version + "\r" +
		"MSA" + f + d.EscapeValue(code) + f + controlID
	if text != "" {
		out += f + d.EscapeValue(text)
	}
	return []byte(out + "\r")
}

// ackControlID derives a 20-character control id (within v2.3's limit)
// from the time of the reply, to the microsecond.
func ackControlID(now time.Time) string {
	return fmt.Sprintf("%s%06d", now.UTC().Format("20060102150405"), now.Nanosecond()/1000)
}
