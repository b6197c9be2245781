//go:build unix

package privacy

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used: on a shared machine the
// benchmark reports throughput per CPU-second beside wall-clock figures.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
