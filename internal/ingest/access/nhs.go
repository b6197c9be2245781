package access

import "strings"

// NormaliseNHSNumber removes the spaces and hyphens people write NHS numbers
// with ("943 476 5919").
func NormaliseNHSNumber(s string) string {
	if !strings.ContainsAny(s, " -") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// ValidNHSNumber reports whether s is ten digits whose last is the modulus
// 11 check digit of the first nine (weights 10 down to 2). A check digit of
// 10 is never issued, so such numbers are invalid.
func ValidNHSNumber(s string) bool {
	if len(s) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		if i < 9 {
			sum += int(c-'0') * (10 - i)
		}
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(s[9]-'0')
}

// nhsNumberOID is the HL7 OID of the NHS number, used as the assigning
// authority in HL7 v2 CX values ("9434765919^^^&2.16.840.1.113883.2.1.4.1&ISO").
const nhsNumberOID = "2.16.840.1.113883.2.1.4.1"

// IsNHSNumberSystem reports whether system names the NHS number namespace:
// the FHIR URI, its OID (bare or as urn:oid:), or the assigning authority
// namespace "NHS" that HL7 v2 feeds use.
func IsNHSNumberSystem(system string) bool {
	switch system {
	case NHSNumberSystem, "urn:oid:" + nhsNumberOID, nhsNumberOID, "NHS":
		return true
	}
	return false
}
