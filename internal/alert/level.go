package alert

import "strings"

// levels are the Sigma levels from least to most severe.
var levels = [...]string{"informational", "low", "medium", "high", "critical"}

// LevelRank orders Sigma levels: informational 1, low 2, medium 3, high 4,
// critical 5, case-insensitively. An empty or unknown level ranks 0, below
// every known one, so that a level filter never lets it through.
func LevelRank(level string) int {
	for i, l := range levels {
		if strings.EqualFold(level, l) {
			return i + 1
		}
	}
	return 0
}
