package rules

import (
	"fmt"
	"os"

	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// Load reads the Sigma rules at paths, or this pack when there are none,
// into one set. Correlations the correlation engine would refuse are moved
// to set.Refused with the rest, so the set builds without error. A path
// that does not exist is an error; a bad rule is only refused.
func Load(paths []string, opts sigma.Options) (*sigma.Set, error) {
	var set *sigma.Set
	if len(paths) == 0 {
		set = sigma.LoadFS(FS, "vigil-rules", opts)
	} else {
		for _, p := range paths {
			if _, err := os.Stat(p); err != nil {
				return nil, fmt.Errorf("rules: %w", err)
			}
		}
		set = sigma.Load(paths, opts)
	}
	set.Refused = append(set.Refused, correlate.Prune(set)...)
	return set, nil
}
