package targetstore

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vigilhealth/vigil/internal/alert"
)

// Limits of a target's fields.
const (
	MaxName   = 100
	MaxURL    = 2048
	maxHeader = 20 // headers_env entries
)

// FieldError says which field of a target is wrong and why. Field is the
// name the API's JSON body and the console's form give it (url, addr,
// headers_env.Authorization).
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return "field " + e.Field + ": " + e.Problem }

// FieldName is the wrong field, for a form to mark.
func (e *FieldError) FieldName() string { return e.Field }

func wrong(field, format string, args ...any) error {
	return &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// Check says what is wrong with t, as a *FieldError naming the field:
// an ID, a name and a known kind and level are needed; a webhook, Teams
// or Slack URL must be https (http only to a loopback host, for a relay
// on the same machine) and never shows in the error, since it may hold a
// secret; a syslog target needs udp or tcp and host:port.
func Check(t Target) error {
	switch {
	case !strings.HasPrefix(t.ID, idPrefix) || len(t.ID) > 64 || strings.ContainsFunc(t.ID, notIDRune):
		return wrong("id", "%q is not a target ID such as nt-Qk3v9w0ZpL1sYbXe", t.ID)
	case t.Name == "":
		return wrong("name", "give the target a name, such as SOC Teams channel")
	case len(t.Name) > MaxName || strings.ContainsFunc(t.Name, unicode.IsControl):
		return wrong("name", "at most %d characters on one line", MaxName)
	case alert.LevelRank(t.MinLevel) == 0:
		return wrong("min_level", "%q is not informational, low, medium, high or critical", t.MinLevel)
	}
	switch t.Kind {
	case KindWebhook, KindTeams, KindSlack:
		return checkHTTP(t)
	case KindSyslog:
		return checkSyslog(t)
	}
	return wrong("kind", "%q is not %s", t.Kind, strings.Join(Kinds, ", "))
}

func notIDRune(r rune) bool {
	return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// checkHTTP checks the address of a webhook, Teams or Slack target.
func checkHTTP(t Target) error {
	if t.Network != "" || t.Addr != "" {
		return wrong("addr", "a %s target takes a url, not a network or addr", t.Kind)
	}
	if t.URL == "" {
		return wrong("url", "give the %s's address, https://...", t.Kind)
	}
	u, err := url.Parse(t.URL)
	switch {
	case len(t.URL) > MaxURL:
		return wrong("url", "longer than %d characters", MaxURL)
	case err != nil || u.Host == "" || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return wrong("url", "not an http or https URL") // the value may hold a token: never echoed
	case u.User != nil:
		return wrong("url", "a user name or password in the URL is not accepted; for a webhook use headers_env")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return wrong("url", "use https: http is accepted only to this machine (localhost), since the address and the alerts would cross the network readable")
	}
	if len(t.HeadersEnv) > 0 && t.Kind != KindWebhook {
		return wrong("headers_env", "only a webhook sends extra headers")
	}
	if len(t.HeadersEnv) > maxHeader {
		return wrong("headers_env", "at most %d headers", maxHeader)
	}
	for _, h := range slices.Sorted(maps.Keys(t.HeadersEnv)) {
		if !validHeader(h) {
			return wrong("headers_env", "%q is not a header name", h)
		}
		if !validEnvName(t.HeadersEnv[h]) {
			return wrong("headers_env."+h, "%q is not an environment variable name such as VIGIL_WEBHOOK_AUTH", t.HeadersEnv[h])
		}
	}
	return nil
}

// checkSyslog checks the address of a syslog target.
func checkSyslog(t Target) error {
	if t.URL != "" || len(t.HeadersEnv) > 0 {
		return wrong("url", "a syslog target takes a network and addr, not a url")
	}
	if t.Network != "udp" && t.Network != "tcp" {
		return wrong("network", "%q is not udp or tcp", t.Network)
	}
	host, port, err := net.SplitHostPort(t.Addr)
	if err != nil || host == "" || strings.ContainsFunc(host, unicode.IsSpace) {
		return wrong("addr", "%q is not host:port, such as siem.example.nhs.uk:514", t.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return wrong("addr", "port %q is not a number from 1 to 65535", port)
	}
	return nil
}

// loopback reports whether host is this machine: localhost or a loopback
// address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validHeader(h string) bool {
	return h != "" && len(h) <= 100 && !strings.ContainsFunc(h, func(r rune) bool {
		return !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
}

func validEnvName(s string) bool {
	if s == "" || len(s) > 100 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
}
