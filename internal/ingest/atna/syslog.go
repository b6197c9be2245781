package atna

import (
	"bytes"
	"fmt"
)

// FromSyslog returns the AuditMessage XML carried by one syslog message, as
// IHE ATNA sends it: RFC 5424 (optionally with an RFC 5425 octet-count
// prefix, and a UTF-8 byte-order mark before the message) or RFC 3164. A
// line that is already bare XML is returned as it is. The result is a
// sub-slice of line.
func FromSyslog(line []byte) ([]byte, error) {
	rest := bytes.TrimLeft(line, " \t\r\n")
	if isXMLStart(rest) {
		return trimPayload(rest), nil
	}
	rest, err := skipOctetCount(rest)
	if err != nil {
		return nil, err
	}
	start := len(line) - len(rest)
	rest, err = skipPRI(rest)
	if err != nil {
		return nil, &Error{Offset: int64(start), Msg: "syslog", Err: err}
	}
	if len(rest) >= 2 && rest[0] == '1' && rest[1] == ' ' {
		rest, err = skip5424Header(rest[2:])
		if err != nil {
			return nil, &Error{Offset: int64(len(line) - len(rest)), Msg: "RFC 5424 header", Err: err}
		}
	}
	rest = bytes.TrimPrefix(bytes.TrimLeft(rest, " "), utf8BOM)
	i := xmlStart(rest)
	if i < 0 {
		return nil, &Error{Offset: int64(len(line) - len(rest)), Msg: "syslog message carries no AuditMessage XML"}
	}
	return trimPayload(rest[i:]), nil
}

// skipOctetCount drops an RFC 5425 "LEN " prefix and anything after the
// counted octets (a trailing newline from a file).
func skipOctetCount(b []byte) ([]byte, error) {
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	if n == 0 || n >= len(b) || b[n] != ' ' {
		return b, nil
	}
	count := 0
	for _, c := range b[:n] {
		count = count*10 + int(c-'0')
		if count > len(b) {
			break
		}
	}
	msg := b[n+1:]
	if count > len(msg) {
		return nil, &Error{Offset: 0, Msg: fmt.Sprintf("octet count %s is longer than the %d bytes that follow", b[:n], len(msg))}
	}
	return msg[:count], nil
}

// skipPRI drops "<PRI>" (one to three digits).
func skipPRI(b []byte) ([]byte, error) {
	if len(b) < 3 || b[0] != '<' {
		return nil, fmt.Errorf("no <PRI> at the start")
	}
	end := bytes.IndexByte(b[:min(len(b), 5)], '>')
	if end < 2 {
		return nil, fmt.Errorf("no <PRI> at the start")
	}
	for _, c := range b[1:end] {
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("PRI %q is not a number", b[1:end])
		}
	}
	return b[end+1:], nil
}

// skip5424Header drops TIMESTAMP HOSTNAME APP-NAME PROCID MSGID and the
// structured data ("-" or [elements], whose quoted values may hold
// escaped "]" and spaces).
func skip5424Header(b []byte) ([]byte, error) {
	for field := 0; field < 5; field++ {
		sp := bytes.IndexByte(b, ' ')
		if sp <= 0 {
			return b, fmt.Errorf("header ends before field %d of 5 (timestamp, host, app, procid, msgid)", field+1)
		}
		b = b[sp+1:]
	}
	if len(b) > 0 && b[0] == '-' {
		return b[1:], nil
	}
	for len(b) > 0 && b[0] == '[' {
		end := sdEnd(b)
		if end < 0 {
			return b, fmt.Errorf("structured data element is not closed")
		}
		b = b[end+1:]
	}
	return b, nil
}

// sdEnd returns the index of the "]" closing the SD element at b[0].
func sdEnd(b []byte) int {
	inQuote := false
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == ']':
			return i
		}
	}
	return -1
}

func isXMLStart(b []byte) bool {
	return bytes.HasPrefix(b, []byte("<?xml")) || bytes.HasPrefix(b, []byte("<AuditMessage"))
}

// xmlStart finds where the XML begins in a syslog message.
func xmlStart(b []byte) int {
	i := bytes.Index(b, []byte("<?xml"))
	if j := bytes.Index(b, []byte("<AuditMessage")); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	return i
}

func trimPayload(b []byte) []byte { return bytes.TrimRight(b, " \t\r\n\x00") }
