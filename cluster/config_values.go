package cluster

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// keyAtLine guesses the dotted key written on a line of a TOML document that failed to parse:
// the table header in force, then the text before "=" on that line.
func keyAtLine(data []byte, line int) string {
	table := ""
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if i+1 == line {
			k, _, ok := strings.Cut(l, "=")
			k = strings.TrimSpace(k)
			switch {
			case !ok || k == "" || strings.HasPrefix(k, "["):
				return table
			case table == "":
				return k
			}
			return table + "." + k
		}
		if strings.HasPrefix(l, "[") {
			table = strings.Trim(strings.TrimSpace(strings.SplitN(l, "#", 2)[0]), "[] ")
		}
	}
	return table
}

// Limits on the tunables.
const (
	maxQueue      = 1 << 20
	minBatchBytes = 256
	maxLinger     = time.Second
	maxTokenGrace = time.Minute
)

func intKey(m map[string]any, k, key string, lo, hi int) (int, error) {
	v, ok := m[k]
	if !ok {
		return 0, nil
	}
	n, ok := v.(int64)
	if !ok || n < int64(lo) || n > int64(hi) {
		return 0, cfgErr(key, "must be an integer in %d..%d, not %s", lo, hi, describe(v))
	}
	return int(n), nil
}

// durationKey reads a duration written as a Go duration string ("2ms", "1s") or as an integer
// number of milliseconds.
func durationKey(m map[string]any, k, key string, lo, hi time.Duration) (time.Duration, error) {
	v, ok := m[k]
	if !ok {
		return 0, nil
	}
	var d time.Duration
	switch x := v.(type) {
	case string:
		var err error
		if d, err = time.ParseDuration(x); err != nil {
			return 0, cfgErr(key, "%q is not a duration (like \"500ms\" or \"2s\")", x)
		}
	case int64:
		if x < 0 || x > int64(hi/time.Millisecond) {
			return 0, cfgErr(key, "must be in %v..%v, not %d ms", lo, hi, x)
		}
		d = time.Duration(x) * time.Millisecond
	default:
		return 0, cfgErr(key, "must be a duration string or milliseconds, not %s", describe(v))
	}
	if d < lo || d > hi {
		return 0, cfgErr(key, "must be in %v..%v, not %v", lo, hi, d)
	}
	return d, nil
}

// checkPrefix accepts a key-expression prefix of plain chunks.
func checkPrefix(s string) error {
	if s == "" || len(s) > 256 {
		return errors.New("must be 1..256 bytes")
	}
	for _, chunk := range strings.Split(s, "/") {
		if chunk == "" {
			return fmt.Errorf("%q has an empty chunk", s)
		}
		if strings.ContainsAny(chunk, "*$?#") {
			return fmt.Errorf("%q contains a wildcard or reserved character", s)
		}
	}
	return nil
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return strconv.Quote(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "a table"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
