package main

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// maxEventLine bounds one line of events read from standard input.
const maxEventLine = 1 << 20

var errEventQuote = errors.New("unterminated or invalid quoted word")

// splitEventWords splits an input line into words as cluster.FormatEvent writes them: words are
// separated by white space, and a word that starts with a double quote is a Go quoted string
// (strconv.Quote), which may contain spaces and escapes.
func splitEventWords(line string) ([]string, error) {
	var words []string
	s := strings.TrimSpace(line)
	for s != "" {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, errEventQuote
			}
			w, err := strconv.Unquote(q)
			if err != nil {
				return nil, errEventQuote
			}
			words = append(words, w)
			s = s[len(q):]
			if s != "" && !unicode.IsSpace(rune(s[0])) {
				return nil, errEventQuote
			}
		} else {
			end := strings.IndexFunc(s, unicode.IsSpace)
			if end < 0 {
				end = len(s)
			}
			words = append(words, s[:end])
			s = s[end:]
		}
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	}
	return words, nil
}
