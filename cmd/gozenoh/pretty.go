package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxPrettyBytes is how many bytes of a byte field are shown before it is cut.
const maxPrettyBytes = 64

// pretty renders a decoded message compactly: struct fields that hold their zero value are left
// out, byte slices show as quoted text when they are printable UTF-8 and as hex otherwise, and
// types with a String method (ids, ZenohIDs, enums) use it.
func pretty(v any) string {
	var sb strings.Builder
	prettyValue(&sb, reflect.ValueOf(v))
	return sb.String()
}

var stringerType = reflect.TypeFor[fmt.Stringer]()

func prettyValue(sb *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		sb.WriteString("nil")
		return
	}
	if v.Type().Implements(stringerType) && v.Kind() != reflect.Pointer && v.Kind() != reflect.Struct {
		sb.WriteString(v.Interface().(fmt.Stringer).String())
		return
	}
	if v.Kind() == reflect.Array && v.Type().Implements(stringerType) {
		sb.WriteString(v.Interface().(fmt.Stringer).String())
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		sb.WriteByte('{')
		first := true
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !t.Field(i).IsExported() || f.IsZero() {
				continue
			}
			if !first {
				sb.WriteByte(' ')
			}
			first = false
			if !t.Field(i).Anonymous {
				sb.WriteString(t.Field(i).Name)
				sb.WriteByte(':')
			}
			prettyValue(sb, f)
		}
		sb.WriteByte('}')
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			prettyBytes(sb, v.Bytes())
			return
		}
		sb.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				sb.WriteByte(' ')
			}
			prettyValue(sb, v.Index(i))
		}
		sb.WriteByte(']')
	case reflect.String:
		sb.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		sb.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		sb.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		sb.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Array:
		sb.WriteString(fmt.Sprint(v.Interface()))
	default:
		sb.WriteString(fmt.Sprint(v.Interface()))
	}
}

func prettyBytes(sb *strings.Builder, b []byte) {
	shown := b
	if len(shown) > maxPrettyBytes {
		shown = shown[:maxPrettyBytes]
	}
	if utf8.Valid(shown) && printable(shown) {
		sb.WriteString(strconv.Quote(string(shown)))
	} else {
		sb.WriteString("0x")
		sb.WriteString(fmt.Sprintf("%x", shown))
	}
	if len(b) > len(shown) {
		fmt.Fprintf(sb, "…(%d bytes)", len(b))
	}
}

func printable(b []byte) bool {
	for _, r := range string(b) {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
