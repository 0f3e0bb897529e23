package synth

import (
	"os"
	"strconv"
	"strings"
)

// RSS reads a process's resident set size in bytes from /proc (pid 0: this process), for
// load runs and tests that bound memory; 0 where /proc is not.
func RSS(pid int) int64 {
	p := "self"
	if pid > 0 {
		p = strconv.Itoa(pid)
	}
	data, err := os.ReadFile("/proc/" + p + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
