package eventstore

import (
	"errors"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "<nil>"},
		{"mimikatz", `"mimikatz"`},
		{"mimi*katz", `"mimi"*"katz"`},
		{`"a phrase"`, `"a phrase"`},
		{"EventID:4625", `eventid:"4625"`},
		{"Host=WS01", `host:"ws01"`},
		{`Image:*\CMD.exe`, `image:*"\\cmd.exe"`},
		{`CommandLine:"a \"b\" *"`, `commandline:"a \"b\" *"`}, // a quoted * is literal
		{"LogonType>=3", "logontype>=3"},
		{"n<1.5", "n<1.5"},
		{"a b", `("a" AND "b")`},
		{"a AND b", `("a" AND "b")`},
		{"a OR b c", `("a" OR ("b" AND "c"))`},
		{"-a", `NOT "a"`},
		{"NOT (a OR b) c", `(NOT ("a" OR "b") AND "c")`},
		{"x:\"\"", `x:""`},
		{"C:\\Windows", `c:"\\windows"`},
		{"a - b", `("a" AND "-" AND "b")`},
	}
	for _, tt := range tests {
		x, err := ParseQuery(tt.in)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.in, err)
			continue
		}
		got := "<nil>"
		if x != nil {
			got = x.String()
		}
		if got != tt.want {
			t.Errorf("ParseQuery(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		in    string
		col   int
		token string
	}{
		{"a )", 3, ")"},
		{"(a", 3, ""},
		{"a OR", 5, ""},
		{"AND a", 1, "AND"},
		{`x "unterminated`, 3, `"unterminated`},
		{`field:"open`, 7, `field:"open`},
		{"LogonType>abc", 1, "LogonType>abc"},
		{"host>3", 1, "host>3"},
		{"EventID:", 1, "EventID:"},
		{"a ()", 4, ")"},
		{"NOT", 4, ""},
	}
	for _, tt := range tests {
		_, err := ParseQuery(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Column != tt.col || se.Token != tt.token {
			t.Errorf("ParseQuery(%q) = %v (%+v), want an error at column %d on %q", tt.in, err, se, tt.col, tt.token)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		v     string
		parts []string
		want  bool
	}{
		{"abc", []string{"a", "c"}, true},
		{"ac", []string{"a", "c"}, true},
		{"a", []string{"a", "a"}, false}, // prefix and suffix must not overlap
		{"aa", []string{"a", "a"}, true},
		{"xabcx", []string{"", "b", ""}, true},
		{"abc", []string{"a", "x", "c"}, false},
		{"axbyc", []string{"a", "b", "c"}, true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.v, tt.parts); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v", tt.v, tt.parts, got)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		`EventID:4625 host:ws01`, `(a OR b) -c`, `CommandLine:"x \"y\"*"`, `LogonType>=3 NOT "a phrase"`,
		`Image:*\mimikatz.exe OR sekurlsa`, `a)(`, `"`, `-`, `x:`, `NOT NOT a`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseQuery(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Column < 1 || se.Column > len(s)+1 {
				t.Fatalf("ParseQuery(%q): %v has no column within the query", s, err)
			}
			return
		}
		if x == nil {
			return
		}
		// The rendering is itself a query meaning the same.
		again, err := ParseQuery(x.String())
		if err != nil {
			t.Fatalf("ParseQuery(%q) renders as %s, which does not parse: %v", s, x, err)
		}
		if again.String() != x.String() {
			t.Fatalf("%q renders as %s, which renders as %s", s, x, again)
		}
	})
}
