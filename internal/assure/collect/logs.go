package collect

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Logs is what reading Vigil's own stores back shows of their integrity.
type Logs struct {
	Stores        []StoreCheck // each store of log data, read back and checked
	OpenToOthers  []string     // files of log data that other users of the machine may write
	TokenRequired bool         // the API answers log queries only with a bearer token
}

// StoreCheck is one store read back with its checksums verified.
type StoreCheck struct {
	Name    string // "events", "alerts"
	Records int64  // records read
	Err     string // damage found, if any
}

// LogsCollector gives evidence on securing logs (C1.b). Checksums detect
// damage but not a deliberate edit with a new checksum, so it never claims
// that modification is attributed (C1.b.9).
func LogsCollector(l Logs) assure.Collector {
	return collector{name: "logs", claims: func(time.Time) []claim {
		var out []claim
		var damaged, read []string
		for _, s := range l.Stores {
			if s.Err != "" {
				damaged = append(damaged, s.Name+": "+s.Err)
				continue
			}
			read = append(read, fmt.Sprintf("%s (%d records)", s.Name, s.Records))
		}
		switch {
		case len(l.OpenToOthers) > 0:
			out = append(out, claim{ids("C1.b.1"), true, "Log files other users of the machine can change: " + strings.Join(l.OpenToOthers, ", ") + "."})
		case len(damaged) == 0 && len(read) > 0:
			out = append(out, claim{ids("C1.b.1"), false, "Vigil's log data (" + strings.Join(read, ", ") +
				") is checksummed record by record, read back without damage, and writable only by Vigil's own account. Checksums detect damage, not a deliberate edit: that needs signing."})
		}
		if l.TokenRequired {
			out = append(out, claim{ids("C1.b.6"), true, "Only holders of an API token can search the stored events and alerts."})
		}
		return out
	}}
}
