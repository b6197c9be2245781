//go:build !unix

package sharedtest

import "time"

// ProcessCPU returns 0: this platform does not report CPU time here.
func ProcessCPU() time.Duration { return 0 }
