package cluster

import "fmt"

// errorsf wraps sentinel with a formatted message.
func errorsf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
