// Package hl7 reads HL7 version 2 messages (v2.3 to v2.8) as clinical feeds
// send them: it parses messages into segments and fields with terser-style
// access ("PID-3(2).1"), frames and unframes them over MLLP, builds
// acknowledgements, models ADT messages for the patient-privacy work (who is
// cared for where and by whom), and maps messages onto Vigil events.
//
// No HL7 library is used. Parsing keeps fields encoded and splits and
// unescapes a value only when it is read, so reading a message costs little
// more than copying it once.
package hl7
