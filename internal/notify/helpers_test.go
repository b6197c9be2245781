package notify

import (
	"flag"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// sample is an alert with every field set, and text that needs escaping.
func sample() *alert.Alert {
	return &alert.Alert{
		ID:         "a-7f3c2e",
		RuleID:     "5b8b2b7e-1111-4c3a-9a6e-0d9a1f0c0001",
		RuleTitle:  `Shadow copies deleted | vssadmin "delete" <all> a=b`,
		Level:      "high",
		Tags:       []string{"attack.impact", "attack.t1490"},
		Host:       "WS-ICU-07",
		User:       `NHS\jsmith`,
		Key:        "WS-ICU-07",
		Count:      3,
		FirstSeen:  t0,
		LastSeen:   t0.Add(90 * time.Second),
		IncidentID: "inc-42",
		Records:    []uint64{1001, 1002, 1007},
		Status:     "open",
		Event:      map[string]any{"CommandLine": `vssadmin delete shadows /all /quiet`, "EventID": "1"},
	}
}
