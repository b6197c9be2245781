package alert

import "testing"

func TestIsPerson(t *testing.T) {
	cases := []struct {
		user string
		want bool
	}{
		{`TRUST\akhan`, true},
		{"aisha.khan@trust.nhs.uk", true},
		{"akhan", true},
		{"", false},
		{"-", false},
		{`NT AUTHORITY\SYSTEM`, false},
		{"SYSTEM", false},
		{`NT AUTHORITY\LOCAL SERVICE`, false},
		{"NETWORK SERVICE", false},
		{"ANONYMOUS LOGON", false},
		{"root", false},
		{`TRUST\WS-WARD7-01$`, false},
		{"ws-ward7-01$@trust.nhs.uk", false},
	}
	for _, c := range cases {
		if got := IsPerson(c.user); got != c.want {
			t.Errorf("IsPerson(%q) = %v, want %v", c.user, got, c.want)
		}
	}
}
