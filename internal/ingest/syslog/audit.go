package syslog

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// isAudit reports a Linux audit record: "type=X msg=audit(...): ...",
// possibly after "node=host ".
func isAudit(s string) bool {
	if !strings.HasPrefix(s, "type=") && !strings.HasPrefix(s, "node=") {
		return false
	}
	i := strings.Index(s, " msg=audit(")
	return i > 0 && i < 128
}

// audit reads an audit record's key=value pairs into ev and its audit(...)
// stamp into ev.Time.
func audit(s string, ev *event.Event) error {
	ev.LogSource = event.LogSource{Product: "linux", Service: "auditd"}
	if t, ok := auditTime(s); ok {
		ev.Time = t
	}
	typ := ""
	return auditPairs(s, 0, ev, &typ)
}

// auditTime reads the "msg=audit(1364481363.243:24287)" stamp.
func auditTime(s string) (time.Time, bool) {
	_, after, ok := strings.Cut(s, "msg=audit(")
	if !ok {
		return time.Time{}, false
	}
	stamp, _, ok := strings.Cut(after, ":")
	if !ok {
		return time.Time{}, false
	}
	sec, frac, _ := strings.Cut(stamp, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	ms, _ := strconv.Atoi((frac + "000")[:3])
	return time.Unix(n, int64(ms)*int64(time.Millisecond)).UTC(), true
}

// auditPairs reads key=value pairs separated by spaces (or the GS byte of
// the enriched format). Values are bare, "double-quoted", or
// 'single-quoted', which user-space records use to nest more pairs in
// msg; those are read as pairs of their own. off is where s starts in the
// record, for errors.
func auditPairs(s string, off int, ev *event.Event, typ *string) error {
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == 0x1d) {
			i++
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return nil // trailing text, such as a record's last word
		}
		key := s[i : i+eq]
		if sp := strings.LastIndexAny(key, " \x1d"); sp >= 0 {
			key = key[sp+1:]
		}
		j := i + eq + 1
		var val string
		quoted := j < len(s) && (s[j] == '"' || s[j] == '\'')
		if quoted {
			end := strings.IndexByte(s[j+1:], s[j])
			if end < 0 {
				return fmt.Errorf("%w audit record: value of %q is not closed at byte %d", ErrMalformed, key, off+j)
			}
			val = s[j+1 : j+1+end]
			if s[j] == '\'' && strings.Contains(val, "=") {
				if err := auditPairs(val, off+j+1, ev, typ); err != nil {
					return err
				}
				i = j + end + 2
				continue
			}
			j += end + 2
		} else {
			end := strings.IndexAny(s[j:], " \x1d")
			if end < 0 {
				end = len(s) - j
			}
			val = s[j : j+end]
			j += end
		}
		i = j
		if key == "" {
			continue
		}
		if key == "type" && *typ == "" {
			*typ = val
		}
		if !quoted {
			val = auditValue(key, val, *typ)
		}
		ev.Add(event.Intern(key), val)
	}
	return nil
}

// auditValue decodes the hex that auditd writes, unquoted, for command
// lines holding spaces or other special bytes: EXECVE arguments, proctitle
// (arguments separated by NULs, given back as spaces) and cmd. The msg
// stamp loses its trailing colon.
func auditValue(key, val, typ string) string {
	if key == "msg" {
		return strings.TrimSuffix(val, ":")
	}
	if !(key == "proctitle" || key == "cmd" || (typ == "EXECVE" && isArgKey(key))) {
		return val
	}
	b, err := hex.DecodeString(val)
	if err != nil || len(b) == 0 {
		return val
	}
	for i, c := range b {
		if c == 0 {
			b[i] = ' '
		}
	}
	return strings.TrimRight(string(b), " ")
}

// isArgKey reports an EXECVE argument key: a0, a12, a1[3].
func isArgKey(k string) bool {
	if len(k) < 2 || k[0] != 'a' {
		return false
	}
	num, idx, _ := strings.Cut(k[1:], "[")
	return isDigits(num) && (idx == "" || strings.HasSuffix(idx, "]"))
}
