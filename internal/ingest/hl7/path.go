package hl7

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed terser-style location of a value in a message. Every
// index is 1-based.
type Path struct {
	Segment      string // e.g. "PID"
	SegmentRep   int    // which segment of that name, e.g. 2 for the second NK1
	Field        int
	Repetition   int
	Component    int
	Subcomponent int
}

// ParsePath parses a terser-style path:
//
//	SEG[(n)]-field[(rep)][.component[.subcomponent]]
//
// for example "PID-3(2).1" (second repetition of PID-3, first component),
// "PV1-7.2", "NK1(2)-2.1" (second NK1) or "PID-5.1.1". All indices are
// 1-based, repetitions included ("PID-3(1)" is the first repetition, unlike
// HAPI's terser where repetitions count from 0); omitted ones are 1. A
// component may also follow a hyphen ("PV1-7-2").
func ParsePath(path string) (Path, error) {
	p := Path{SegmentRep: 1, Repetition: 1, Component: 1, Subcomponent: 1}
	if len(path) < 5 || !validSegmentName(path[:3]) {
		return p, fmt.Errorf("hl7 path %q: want SEG-field, e.g. PID-3", path)
	}
	p.Segment = path[:3]
	rest, rep, err := takeRepetition(path[3:])
	if err != nil {
		return p, fmt.Errorf("hl7 path %q: %w", path, err)
	}
	p.SegmentRep = rep
	if rest == "" || rest[0] != '-' {
		return p, fmt.Errorf("hl7 path %q: want '-' and a field number after %s", path, p.Segment)
	}
	num, rest := takeNumber(rest[1:])
	if num < 1 {
		return p, fmt.Errorf("hl7 path %q: bad field number", path)
	}
	p.Field = num
	if rest, p.Repetition, err = takeRepetition(rest); err != nil {
		return p, fmt.Errorf("hl7 path %q: %w", path, err)
	}
	for _, dst := range []*int{&p.Component, &p.Subcomponent} {
		if rest == "" {
			break
		}
		if rest[0] != '.' && rest[0] != '-' {
			return p, fmt.Errorf("hl7 path %q: unexpected %q", path, rest)
		}
		if *dst, rest = takeNumber(rest[1:]); *dst < 1 {
			return p, fmt.Errorf("hl7 path %q: bad component number", path)
		}
	}
	if rest != "" {
		return p, fmt.Errorf("hl7 path %q: unexpected %q", path, rest)
	}
	return p, nil
}

// takeRepetition reads an optional "(n)" with n >= 1; it returns 1 when
// there is none.
func takeRepetition(s string) (string, int, error) {
	if s == "" || s[0] != '(' {
		return s, 1, nil
	}
	end := strings.IndexByte(s, ')')
	if end < 0 {
		return s, 0, fmt.Errorf("unclosed '('")
	}
	n, err := strconv.Atoi(s[1:end])
	if err != nil || n < 1 {
		return s, 0, fmt.Errorf("repetition %q: want a number from 1", s[1:end])
	}
	return s[end+1:], n, nil
}

// takeNumber reads leading decimal digits; it returns 0 when there are none
// or the number is implausibly large.
func takeNumber(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 6 {
		return 0, s
	}
	n, _ := strconv.Atoi(s[:i])
	return n, s[i:]
}
