package main

import (
	"os"
	"syscall"
)

// peakRSS is the most memory a finished child process held, in bytes
// (Linux reports it in KiB).
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) << 10
	}
	return 0
}
