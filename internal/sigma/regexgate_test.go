package sigma

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

// gateOpen applies a gate to a bare value, as reTest does to an event value.
func gateOpen(t *testing.T, expr, v string) bool {
	t.Helper()
	lits, fold := regexGate(expr)
	g := reGate{lits, fold}
	var ev event.Event
	ev.Add(event.Intern("Gate"), v)
	return g.open(&ev, 0)
}

// TestRegexGateNeverHidesAMatch checks the gate's one duty: whenever the
// expression matches a value, the gate lets the value through.
func TestRegexGateNeverHidesAMatch(t *testing.T) {
	exprs := []string{
		"`", "\\w+`(\\w+|-|.)`", "(?i)powershell.*-enc", "(?i)(cmd|pwsh)\\.exe", "^C:\\\\Windows\\\\",
		"(?i)KELVIN", "(?i)sigma", "ab(c|d)ef", "[0-9]+\\.exe$", "(?i)\\$\\{", "x{2,}y", "(?s)a.b", "(?m)^end$",
		"(?i)Straße", "é+", "(?i)ß",
	}
	alphabet := []string{"a", "b", "c", "d", "e", "f", "x", "y", "`", "-", ".", "$", "{", "K", "k", "\u212a", "s", "S", "ſ", "é", "É",
		"ß", "powershell", "POWERSHELL", " -enc ", "cmd.exe", "PWSH.EXE", "C:\\Windows\\", "kelvin", "\n", "end", "Straße", "STRASSE", "123"}
	r := rand.New(rand.NewPCG(1, 2))
	for _, expr := range exprs {
		re := regexp.MustCompile(expr)
		for range 20000 {
			var b strings.Builder
			for range r.IntN(8) {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			v := b.String()
			if re.MatchString(v) && !gateOpen(t, expr, v) {
				lits, fold := regexGate(expr)
				t.Fatalf("gate %q (fold %v) of %q hides a match on %q", lits, fold, expr, v)
			}
		}
	}
}

func TestRegexGateLiterals(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string
		fold bool
	}{
		{"\\w+`(\\w+|-|.)`", []string{"`"}, false},
		{"(?i)Invoke-Mimikatz", []string{"invoke-mimikatz"}, true},
		{"(cmd|pwsh)\\.exe", []string{".exe"}, false},
		{"^[0-9]+$", nil, false},
	} {
		got, fold := regexGate(c.expr)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || fold != c.fold {
			t.Errorf("regexGate(%q) = %q fold %v, want %q fold %v", c.expr, got, fold, c.want, c.fold)
		}
	}
}
