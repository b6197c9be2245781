package report

import (
	"fmt"

	"github.com/vigilhealth/vigil/internal/people"
)

// pulseTable shows each pulse round's weighted positive shares beside the
// national figures.
func pulseTable(rounds []people.PulseResults) Table {
	t := Table{Caption: "Staff confidence pulse (weighted to the workforce; groups under ten not shown)",
		Head: []string{"Round", "Respondents", "Understand their role", "Measures sufficient", "Trust patient data is protected", "Regular training"}}
	for _, r := range rounds {
		row := []string{r.Round, num(r.Respondents)}
		for q := range 4 {
			cell := "too few answers"
			if q < len(r.Overall) && !r.Overall[q].Suppressed {
				cell = fmt.Sprintf("%s (national %s)", pctf(r.Overall[q].Positive), pctf(r.Overall[q].National))
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
