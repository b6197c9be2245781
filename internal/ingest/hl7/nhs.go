package hl7

// ValidNHSNumber reports whether s is a valid NHS number: ten digits (spaces
// and hyphens between them are ignored) whose last digit is the modulus 11
// check digit of the first nine. It returns the number without separators.
func ValidNHSNumber(s string) (string, bool) {
	var d []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == ' ' || c == '-':
		default:
			return s, false
		}
	}
	if len(d) != 10 {
		return string(d), false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	// A remainder giving 10 means no valid check digit exists for these
	// nine digits: the number was never issued.
	return string(d), check != 10 && check == int(d[9]-'0')
}
