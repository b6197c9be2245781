package hunt

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

func sortStrings(s []string) { slices.Sort(s) }

// WriteSummary prints the end-of-hunt summary for a person to read.
func WriteSummary(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "\nHunt summary\n")
	fmt.Fprintf(w, "  files read      %d\n", s.Files)
	fmt.Fprintf(w, "  events read     %d (%.0f events/s over %s)\n", s.Events, s.EventsPerSecond(), s.Elapsed.Round(time.Millisecond))
	if s.OutsideWindow > 0 {
		fmt.Fprintf(w, "  outside window  %d (not evaluated)\n", s.OutsideWindow)
	}
	fmt.Fprintf(w, "  detections      %d", s.Detections)
	var levels []string
	for _, l := range []string{"critical", "high", "medium", "low", "informational"} {
		if n := s.ByLevel[l]; n > 0 {
			levels = append(levels, fmt.Sprintf("%s %d", l, n))
		}
	}
	if len(levels) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(levels, ", "))
	}
	fmt.Fprintln(w)
	if len(s.TopRules) > 0 {
		fmt.Fprintf(w, "  top rules\n")
		for _, rc := range s.TopRules {
			fmt.Fprintf(w, "    %6d  %-8s  %s\n", rc.Count, rc.Level, rc.Title)
		}
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, "  skipped\n")
		for _, sk := range s.Skipped {
			what := fmt.Sprintf("%d broken records", sk.Records)
			if sk.Unread {
				what = "could not be read in full; " + what
			}
			fmt.Fprintf(w, "    %s: %s\n", sk.File, what)
			for _, p := range sk.Problems {
				fmt.Fprintf(w, "      - %s\n", p)
			}
		}
	}
}
