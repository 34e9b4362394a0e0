package cli

import (
	"net"
	"time"
)

// checkReachable dials addr once so a wrong upstream fails at start, not at
// the first client.
func checkReachable(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}
