package privacy

import (
	"strings"
	"unicode"
)

// Ward membership compares the roster's department names ("Ward 7
// (Cardiology)", "Emergency Department") with the PV1 ward ("Ward 7",
// "WARD7", "ED") and hospital service ("Cardiology", "CAR"). Names are
// compared loosely: case, spaces and punctuation are ignored, a
// department matches its parenthesised specialty and its initials, and a
// service code of three or more letters matches the start of a
// specialty.

// deptNames are the forms one department can be written in.
type deptNames struct {
	full, main, paren, initials string
}

func splitDept(d string) deptNames {
	main, paren := d, ""
	if i := strings.IndexByte(d, '('); i >= 0 {
		main = d[:i]
		paren = strings.TrimSuffix(d[i+1:], ")")
	}
	return deptNames{full: squash(d), main: squash(main), paren: squash(paren), initials: initials(main)}
}

// squash lower-cases s and keeps letters and digits only.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// initials returns the first letters of the words of s ("Emergency
// Department" -> "ed"), or "" for a single word.
func initials(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) < 2 {
		return ""
	}
	var b strings.Builder
	for _, w := range words {
		b.WriteRune(unicode.ToLower([]rune(w)[0]))
	}
	return b.String()
}

// matchesWard reports whether the department works on ward or in service.
func (d deptNames) matchesWard(ward, service string) bool {
	if w := squash(ward); w != "" && (w == d.full || w == d.main || w == d.paren || w == d.initials || aliasOf(w) == d.main) {
		return true
	}
	s := squash(service)
	if s == "" {
		return false
	}
	if s == d.main || s == d.paren || s == d.full {
		return true
	}
	return len(s) >= 3 && (strings.HasPrefix(d.paren, s) || strings.HasPrefix(d.main, s))
}

// aliasOf maps common ward names to the department that staffs them.
func aliasOf(w string) string {
	switch w {
	case "ae", "aande", "emergency", "ed", "edmajors", "edminors":
		return "emergencydepartment"
	}
	return ""
}

// wardDepts returns the departments (indexes into a.depts) matching each
// distinct ward and service, computed once per pair of names.
func (a *Auditor) wardDepts() func(ward, service string) []int32 {
	names := make([]deptNames, a.depts.len())
	for i, d := range a.depts.names {
		names[i] = splitDept(d)
	}
	cache := map[string][]int32{}
	return func(ward, service string) []int32 {
		k := ward + "\x00" + service
		if v, ok := cache[k]; ok {
			return v
		}
		var out []int32
		for i := range names {
			if names[i].matchesWard(ward, service) {
				out = append(out, int32(i))
			}
		}
		cache[k] = out
		return out
	}
}
