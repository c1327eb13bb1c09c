package config

import "strconv"

func itoa(i int) string { return strconv.Itoa(i) }

func quote(s string) string { return strconv.Quote(s) }

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
