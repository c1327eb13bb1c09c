package config

import (
	"math"
	"net/netip"
	"reflect"
	"strconv"
)

// encodeValue returns the node of v in Zenoh's form.
func encodeValue(v reflect.Value) *node { return encodeField(v, fieldOpts{}) }

func encodeField(v reflect.Value, o fieldOpts) *node {
	if v.CanInterface() {
		if e, ok := v.Interface().(nodeEncoder); ok {
			return e.encodeNode()
		}
	}
	switch v.Type() {
	case rawType:
		return Raw(v.String()).rawNode()
	case addrPortType:
		ap := v.Interface().(netip.AddrPort)
		if !ap.IsValid() {
			return nullNode()
		}
		return strNode(ap.String())
	}
	switch v.Kind() {
	case reflect.Struct:
		si := structFields(v.Type())
		o := objNode()
		o.members = make([]member, 0, len(si.fields))
		for _, f := range si.fields {
			o.members = append(o.members, field(f.name, encodeField(v.Field(f.index), f.opts)))
		}
		return o
	case reflect.Bool:
		return boolNode(v.Bool())
	case reflect.String:
		return strNode(v.String())
	case reflect.Int, reflect.Int64:
		return numNode(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return numNode(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nullNode()
		}
		return numNode(formatFloat(f))
	case reflect.Slice:
		if v.IsNil() && o.null {
			return nullNode()
		}
		a := arrNode()
		a.elems = make([]*node, v.Len())
		for i := range a.elems {
			a.elems[i] = encodeValue(v.Index(i))
		}
		return a
	case reflect.Pointer:
		if v.IsNil() {
			return nullNode()
		}
		return encodeValue(v.Elem())
	}
	return nullNode()
}
