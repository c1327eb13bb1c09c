//go:build !unix

package scouting

import "syscall"

// reuseControl does nothing on this platform: only one node per host can listen for Scouts.
func reuseControl(_, _ string, _ syscall.RawConn) error { return nil }
