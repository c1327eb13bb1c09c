//go:build gc && (amd64 || arm64)

package session

// getg returns the address of the calling goroutine's runtime descriptor: a token that no
// other live goroutine has (see g_amd64.s, g_arm64.s). A transport compares it with its
// reader's (Transport.rxG) to tell the reader's own sends from other goroutines'.
func getg() uintptr
