package zenoh

import (
	"runtime"
	"strconv"
	"strings"
)

// goroutineID returns the id of the calling goroutine, read from the first line of its stack
// trace ("goroutine 42 [running]:"), or 0. It is used only when entities start and close, so
// that closing a subscriber (or the session) from its own callback does not wait for itself.
func goroutineID() uint64 {
	var buf [64]byte
	b := string(buf[:runtime.Stack(buf[:], false)])
	b, ok := strings.CutPrefix(b, "goroutine ")
	if !ok {
		return 0
	}
	if i := strings.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(b, 10, 64)
	return id
}
