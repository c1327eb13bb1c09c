//go:build unix

package scouting

import "syscall"

// reuseControl sets SO_REUSEADDR, as Rust zenoh does on its scouting socket, so that several
// nodes on one host can bind the scouting group and port.
func reuseControl(_, _ string, rc syscall.RawConn) error {
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	}); err != nil {
		return err
	}
	return serr
}
