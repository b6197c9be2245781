package evtx

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
)

// BinXML value types. A type with the array bit set holds a sequence of
// values of the base type.
const (
	typeNull     = 0x00
	typeString   = 0x01
	typeAnsi     = 0x02
	typeInt8     = 0x03
	typeUint8    = 0x04
	typeInt16    = 0x05
	typeUint16   = 0x06
	typeInt32    = 0x07
	typeUint32   = 0x08
	typeInt64    = 0x09
	typeUint64   = 0x0a
	typeReal32   = 0x0b
	typeReal64   = 0x0c
	typeBool     = 0x0d
	typeBinary   = 0x0e
	typeGUID     = 0x0f
	typeSizeT    = 0x10
	typeFileTime = 0x11
	typeSysTime  = 0x12
	typeSID      = 0x13
	typeHex32    = 0x14
	typeHex64    = 0x15
	typeHandle   = 0x20
	typeBinXML   = 0x21
	typeEvtXML   = 0x23
	typeArray    = 0x80
)

// fixedSize is the size of one value of a fixed-size type, 0 for a type of
// variable size.
func fixedSize(t byte) int {
	switch t {
	case typeInt8, typeUint8:
		return 1
	case typeInt16, typeUint16:
		return 2
	case typeInt32, typeUint32, typeReal32, typeBool, typeHex32:
		return 4
	case typeInt64, typeUint64, typeReal64, typeFileTime, typeHex64:
		return 8
	case typeGUID, typeSysTime:
		return 16
	}
	return 0
}

// appendValue renders one value of type t (not an array) held in b, the way
// evtx_dump renders it. A value whose size does not fit its type is rendered
// as hexadecimal bytes rather than dropped: a reader of damaged logs is
// better served by the raw bytes than by nothing.
func appendValue(dst []byte, t byte, b []byte) []byte {
	switch t {
	case typeNull, typeBinXML:
		return dst
	case typeString, typeEvtXML:
		return trimSpace(appendUTF16(dst, trimNUL16(b)), len(dst))
	case typeAnsi:
		return trimSpace(appendANSI(dst, b), len(dst))
	case typeBinary:
		return appendHexUpper(dst, b)
	case typeSID:
		return appendSID(dst, b)
	case typeSizeT, typeHandle:
		switch len(b) {
		case 4:
			return appendHex(dst, uint64(binary.LittleEndian.Uint32(b)))
		case 8:
			return appendHex(dst, binary.LittleEndian.Uint64(b))
		}
		return appendHexUpper(dst, b)
	case typeBool:
		if len(b) == 1 || len(b) == 2 || len(b) == 4 || len(b) == 8 {
			return strconv.AppendBool(dst, !allZero(b))
		}
		return appendHexUpper(dst, b)
	}
	if len(b) != fixedSize(t) {
		return appendHexUpper(dst, b)
	}
	return appendFixed(dst, t, b)
}

// appendFixed renders a fixed-size value whose size has been checked.
func appendFixed(dst []byte, t byte, b []byte) []byte {
	le := binary.LittleEndian
	switch t {
	case typeInt8:
		return strconv.AppendInt(dst, int64(int8(b[0])), 10)
	case typeUint8:
		return strconv.AppendUint(dst, uint64(b[0]), 10)
	case typeInt16:
		return strconv.AppendInt(dst, int64(int16(le.Uint16(b))), 10)
	case typeUint16:
		return strconv.AppendUint(dst, uint64(le.Uint16(b)), 10)
	case typeInt32:
		return strconv.AppendInt(dst, int64(int32(le.Uint32(b))), 10)
	case typeUint32:
		return strconv.AppendUint(dst, uint64(le.Uint32(b)), 10)
	case typeInt64:
		return strconv.AppendInt(dst, int64(le.Uint64(b)), 10)
	case typeUint64:
		return strconv.AppendUint(dst, le.Uint64(b), 10)
	case typeReal32:
		return strconv.AppendFloat(dst, float64(math.Float32frombits(le.Uint32(b))), 'f', -1, 32)
	case typeReal64:
		return strconv.AppendFloat(dst, math.Float64frombits(le.Uint64(b)), 'f', -1, 64)
	case typeHex32:
		return appendHex(dst, uint64(le.Uint32(b)))
	case typeHex64:
		return appendHex(dst, le.Uint64(b))
	case typeGUID:
		return appendGUID(dst, b)
	case typeFileTime:
		return appendFileTime(dst, le.Uint64(b))
	case typeSysTime:
		return appendSysTime(dst, b)
	}
	return appendHexUpper(dst, b)
}

// forEachElement calls fn with each element of an array value of base type
// t held in b. Strings are separated by NUL terminators; SIDs carry their own
// length; other types have a fixed element size (size_t takes the element
// size from the declared total when it is 4- or 8-byte aligned).
func forEachElement(t byte, b []byte, fn func(t byte, e []byte)) {
	switch t {
	case typeString:
		for len(b) >= 2 {
			i := 0
			for i+1 < len(b) && (b[i] != 0 || b[i+1] != 0) {
				i += 2
			}
			fn(t, b[:min(i, len(b))])
			b = b[min(i+2, len(b)):]
		}
		return
	case typeAnsi:
		for len(b) > 0 {
			i := 0
			for i < len(b) && b[i] != 0 {
				i++
			}
			fn(t, b[:i])
			b = b[min(i+1, len(b)):]
		}
		return
	case typeSID:
		for len(b) >= 8 {
			n := min(8+4*int(b[1]), len(b))
			fn(t, b[:n])
			b = b[n:]
		}
		return
	}
	size := fixedSize(t)
	if t == typeSizeT || t == typeHandle {
		size = 8
		if len(b)%8 != 0 {
			size = 4
		}
	}
	if size == 0 {
		fn(t, b)
		return
	}
	for len(b) >= size {
		fn(t, b[:size])
		b = b[size:]
	}
}

// zeros is compared against in allZero: bytes.Equal runs in assembly, which
// matters for the long zero runs at the end of chunks and files.
var zeros [4096]byte

func allZero(b []byte) bool {
	for len(b) > len(zeros) {
		if !bytes.Equal(b[:len(zeros)], zeros[:]) {
			return false
		}
		b = b[len(zeros):]
	}
	return bytes.Equal(b, zeros[:len(b)])
}

const hexLower = "0123456789abcdef"
const hexUpper = "0123456789ABCDEF"

// appendHex renders v as evtx_dump renders hexadecimal integers: "0x" and
// lower-case digits without padding.
func appendHex(dst []byte, v uint64) []byte {
	dst = append(dst, '0', 'x')
	return strconv.AppendUint(dst, v, 16)
}

func appendHexUpper(dst []byte, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

// appendGUID renders a little-endian GUID in upper case without braces.
func appendGUID(dst []byte, b []byte) []byte {
	le := binary.LittleEndian
	dst = appendHexN(dst, uint64(le.Uint32(b)), 8)
	dst = append(dst, '-')
	dst = appendHexN(dst, uint64(le.Uint16(b[4:])), 4)
	dst = append(dst, '-')
	dst = appendHexN(dst, uint64(le.Uint16(b[6:])), 4)
	dst = append(dst, '-')
	dst = appendHexUpper(dst, b[8:10])
	dst = append(dst, '-')
	return appendHexUpper(dst, b[10:16])
}

// appendHexN renders v in upper-case hexadecimal, zero-padded to n digits.
func appendHexN(dst []byte, v uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, hexUpper[(v>>(4*uint(i)))&15])
	}
	return dst
}

// appendSID renders a binary security identifier as S-R-A-S1-S2-...; an
// authority of 2^32 or more is written in hexadecimal, as Windows does.
func appendSID(dst []byte, b []byte) []byte {
	if len(b) < 8 || len(b) < 8+4*int(b[1]) {
		return appendHexUpper(dst, b)
	}
	dst = append(dst, 'S', '-')
	dst = strconv.AppendUint(dst, uint64(b[0]), 10)
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	dst = append(dst, '-')
	if auth >= 1<<32 {
		dst = append(dst, '0', 'x')
		dst = appendHexN(dst, auth, 12)
	} else {
		dst = strconv.AppendUint(dst, auth, 10)
	}
	for i := 0; i < int(b[1]); i++ {
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(b[8+4*i:])), 10)
	}
	return dst
}
