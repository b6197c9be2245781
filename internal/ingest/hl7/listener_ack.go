package hl7

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// Acknowledgement codes of a refused message.
const (
	codeReject = "AR" // the message cannot be read or taken at all; do not resend as is
	codeError  = "AE" // the message's content is wrong, or storing it failed
)

// HL7 table 0357 error codes used in ERR segments.
const (
	errSegmentSequence = "100" // a segment is malformed or out of place
	errRequiredField   = "101" // MSH is missing or lacks a required field
	errInternal        = "207" // application internal error
	errTooLarge        = errInternal
)

// rejectUnparsed answers a message that Parse refused. When its MSH
// segment alone still parses, the answer echoes its control id (MSA-2),
// addresses and delimiters, so that the sender can match it; a message
// whose MSH is broken is rejected (AR), one with a broken later segment
// gets an error (AE).
func rejectUnparsed(raw []byte, err error, now time.Time) []byte {
	var pe *ParseError
	errors.As(err, &pe)
	code, hl7Code := codeError, errSegmentSequence
	if pe == nil || pe.Line <= 1 {
		code, hl7Code = codeReject, errRequiredField
	}
	msh, mshErr := Parse(firstSegment(raw))
	if mshErr != nil { // even MSH is unreadable: answer with default delimiters
		msh = nil
	}
	return reject(msh, code, hl7Code, err.Error(), now).withLocation(pe).bytes()
}

// firstSegment returns raw up to its first segment terminator.
func firstSegment(raw []byte) []byte {
	if i := bytes.IndexAny(raw, "\r\n"); i >= 0 {
		return raw[:i]
	}
	return raw
}

// refusal is an ACK that refuses a message, with its ERR segment still to
// be written.
type refusal struct {
	msg               *Message
	code, hl7Code     string
	text              string
	now               time.Time
	segment, sequence string
}

// reject makes the refusal of msg (nil when unreadable) with an ERR segment
// carrying hl7Code and text.
func reject(msg *Message, code, hl7Code, text string, now time.Time) refusal {
	return refusal{msg: msg, code: code, hl7Code: hl7Code, text: text, now: now}
}

// withLocation names the segment and line of a parse error in ERR.
func (r refusal) withLocation(pe *ParseError) refusal {
	if pe != nil {
		r.segment = pe.Segment
		if pe.Line > 0 {
			r.sequence = strconv.Itoa(pe.Line)
		}
	}
	return r
}

// bytes builds the ACK: MSH and MSA (with the text in MSA-3) from ACK, then
// ERR with the location and code both in the v2.3 layout (ERR-1) and the
// v2.5 one (ERR-2, ERR-3, ERR-4 severity E, ERR-8 the text).
func (r refusal) bytes() []byte {
	d := DefaultDelimiters
	if r.msg != nil {
		d = r.msg.Delimiters()
	}
	out := ACK(r.msg, r.code, r.text, r.now)
	f, c, s := string(d.Field), string(d.Component), string(d.Subcomponent)
	text := d.EscapeValue(r.text)
	seg, seq := d.EscapeValue(r.segment), r.sequence
	err := "ERR" + f + seg + c + seq + c + c + r.hl7Code + s + text +
		f + seg + c + seq +
		f + r.hl7Code + c + text + c + "HL70357" +
		f + "E" + f + f + f + f + text + "\r"
	return append(out, err...)
}
