//go:build !unix

package privacy

import "time"

// cpuTime is unknown off Unix; the CPU-time metric then reads zero.
func cpuTime() time.Duration { return 0 }
