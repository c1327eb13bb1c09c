// Package fuzz holds the round-trip fuzz targets of gozenoh's codecs. Each target decodes
// arbitrary input and, when that succeeds, re-encodes it, decodes again, and requires the two
// decoded values to be equal and the encoding to be stable.
package fuzz
