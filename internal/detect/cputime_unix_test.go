//go:build unix

package detect

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used, so benchmarks can
// report cost per event even when other work shares the machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
