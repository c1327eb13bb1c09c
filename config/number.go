package config

import (
	"math"
	"strconv"
	"strings"
)

// Zenoh reads a number literal in one of two ways, depending on the Rust type it is for:
//   - "typed" (u64, usize, u32, u16, i64 fields): the literal is read as an f64 and then cast,
//     saturating, so `lease: -5` is 0 and `ttl: 1.9` is 1. Parse is stricter: the value must be
//     integral and in range.
//   - "any" (mode-dependent values, metadata): a literal without '.', 'e' or 'E' is an i64,
//     anything else an f64; an integer that does not fit an i64 is an error.
//
// In both, a hexadecimal literal is read as a u32 (larger ones are errors), and a sign before a
// hexadecimal literal is an error.

// isHexLiteral reports a literal starting with 0x or 0X and longer than that.
func isHexLiteral(s string) bool {
	return len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
}

// isIntLiteral reports whether Zenoh reads s as an integer where any number is allowed.
func isIntLiteral(s string) bool {
	return !strings.Contains(s, ".") &&
		(isHexLiteral(s) || !strings.ContainsAny(s, "eE")) &&
		s != "Infinity" && s != "-Infinity" && s != "NaN" && s != "-NaN"
}

// parseHex32 reads the digits of a hexadecimal literal as a u32.
func parseHex32(s string) (uint32, error) {
	v, err := strconv.ParseUint(s[2:], 16, 32)
	if err != nil {
		return 0, errStr("hexadecimal number " + s + " does not fit 32 bits (Zenoh reads hexadecimal as u32)")
	}
	return uint32(v), nil
}

// parseFloatLiteral reads s as Zenoh reads a number for a typed or floating-point value.
func parseFloatLiteral(s string) (float64, error) {
	switch s {
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	case "NaN", "-NaN":
		return math.NaN(), nil
	}
	if isHexLiteral(s) {
		v, err := parseHex32(s)
		return float64(v), err
	}
	if strings.Contains(s, "x") || strings.Contains(s, "X") || strings.Contains(s, "Infinity") || strings.Contains(s, "NaN") {
		return 0, errStr("number " + s + " cannot be read (a sign is not allowed before hexadecimal, +Infinity or +NaN)")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, errStr("number " + s + " is too large")
	}
	return f, nil
}

// parseIntLiteral reads an integer literal (isIntLiteral) as Zenoh does where any number is allowed.
func parseIntLiteral(s string) (int64, error) {
	if isHexLiteral(s) {
		v, err := parseHex32(s)
		return int64(v), err
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errStr("integer " + s + " cannot be read as a 64-bit signed integer")
	}
	return v, nil
}

// anyNumber is a number read where any JSON value is allowed: an i64 or an f64.
type anyNumber struct {
	isInt bool
	i     int64
	f     float64
}

// readAnyNumber reads s where any number is allowed.
func readAnyNumber(s string) (anyNumber, error) {
	if isIntLiteral(s) {
		i, err := parseIntLiteral(s)
		return anyNumber{isInt: true, i: i}, err
	}
	f, err := parseFloatLiteral(s)
	return anyNumber{f: f}, err
}

// typedNumber reads s for an integer field: a plain decimal literal exactly, anything else as
// Zenoh does (through f64), which must then be finite and integral (Zenoh would truncate or
// saturate instead). neg reports a negative value, whose magnitude is mag.
func typedNumber(s string) (neg bool, mag uint64, err error) {
	if len(s) > 0 && !strings.ContainsAny(s, ".eExXIN") {
		t := strings.TrimPrefix(s, "+")
		neg = strings.HasPrefix(t, "-")
		mag, err = strconv.ParseUint(strings.TrimPrefix(t, "-"), 10, 64)
		if err != nil {
			return false, 0, errStr(s + " is out of range (Zenoh would saturate it)")
		}
		return neg && mag != 0, mag, nil
	}
	f, err := parseFloatLiteral(s)
	switch {
	case err != nil:
		return false, 0, err
	case math.IsNaN(f) || math.IsInf(f, 0):
		return false, 0, errStr(s + " is not a finite number (Zenoh would store 0 or the largest value)")
	case f != math.Trunc(f):
		return false, 0, errStr(s + " is not an integer (Zenoh would truncate it)")
	case math.Abs(f) >= 1<<64:
		return false, 0, errStr(s + " is out of range (Zenoh would saturate it)")
	case f < 0:
		return true, uint64(-f), nil
	}
	return false, uint64(f), nil
}

// typedUint reads s for an unsigned field of range [lo, hi].
func typedUint(s string, lo, hi uint64) (uint64, error) {
	neg, mag, err := typedNumber(s)
	if err != nil {
		return 0, err
	}
	if neg || mag < lo || mag > hi {
		return 0, rangeErr(s, strconv.FormatUint(lo, 10), strconv.FormatUint(hi, 10))
	}
	return mag, nil
}

// typedInt reads s for a signed field of range [lo, hi].
func typedInt(s string, lo, hi int64) (int64, error) {
	neg, mag, err := typedNumber(s)
	if err != nil {
		return 0, err
	}
	var v int64
	switch {
	case !neg && mag <= math.MaxInt64:
		v = int64(mag)
	case neg && mag <= 1<<63:
		v = -int64(mag-1) - 1
	default:
		return 0, rangeErr(s, strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10))
	}
	if v < lo || v > hi {
		return 0, rangeErr(s, strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10))
	}
	return v, nil
}

func rangeErr(s, lo, hi string) error {
	return errStr(s + " is out of range [" + lo + ", " + hi + "]")
}

// formatFloat writes f so that Zenoh reads it back as a float: it always has '.' or an exponent.
func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") { // n: NaN, Inf (never written: callers check)
		s += ".0"
	}
	return s
}
