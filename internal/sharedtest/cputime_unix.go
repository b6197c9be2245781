//go:build unix

package sharedtest

import (
	"syscall"
	"time"
)

// ProcessCPU returns the CPU time the process has used (user and system),
// so that benchmarks can report cost per event even when other work shares
// the machine. It returns 0 where the platform does not say.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
