package sigma

import (
	"regexp"
	"strings"
	"testing"
)

func TestRegexLiterals(t *testing.T) {
	tests := []struct {
		expr string
		want string // literals joined by |, "-" for none
	}{
		{`\\powershell\.exe$`, `\powershell.exe`},
		{`^cmd\.exe /c [a-z]+$`, `cmd.exe /c `},
		{`(?i)invoke-(mimikatz|kerberoast)`, `invoke-`},
		{`(mimikatz|rubeus)\.exe`, `mimikatz|rubeus`},
		{`(mimi|ru)\.exe`, `.exe`},
		{`^[0-9]+$`, `-`},
		{`(abc)?def`, `def`},
		{`(?:evil)+x`, `evil`},
		{`(?i)powershell`, `-`}, // (?i)s also matches the long s
		{`(?i)cmd.exe`, `cmd`},
		{`a{2,}bcd`, `bcd`},
		{`(`, `-`},
	}
	for _, tc := range tests {
		got := strings.Join(regexLiterals(tc.expr), "|")
		if got == "" {
			got = "-"
		}
		if got != tc.want {
			t.Errorf("regexLiterals(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

// TestRegexLiteralsSound checks on sample values that whenever an
// expression matches, one of its literals occurs in the lower-cased value.
func TestRegexLiteralsSound(t *testing.T) {
	exprs := []string{`(?i)cmd.exe`, `(?i)kerb`, `\\powershell\.exe$`, `(mimikatz|rubeus)\.exe`, `(?i)invoke-(mimikatz|kerberoast)`}
	values := []string{"CMD.EXE", "C:\\x\\powershell.exe", "rubeus.exe", "INVOKE-Mimikatz", "\u212aERB", "cmd-exe", "Invoke-KERBEROAST now"}
	for _, e := range exprs {
		re := regexp.MustCompile(e)
		lits := regexLiterals(e)
		for _, v := range values {
			if !re.MatchString(v) || lits == nil {
				continue
			}
			found := false
			for _, l := range lits {
				found = found || strings.Contains(strings.ToLower(v), l)
			}
			if !found {
				t.Errorf("%q matches %q but none of %q occurs", e, v, lits)
			}
		}
	}
}
