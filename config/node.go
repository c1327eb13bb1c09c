package config

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

// String names the kind as an error message would.
func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBool:
		return "a boolean"
	case kindNumber:
		return "a number"
	case kindString:
		return "a string"
	case kindObject:
		return "an object"
	case kindArray:
		return "an array"
	}
	return "?"
}

// node is one parsed JSON5 value with its position. Numbers keep their literal text, because
// Zenoh's reader interprets the same literal differently depending on the key it is for.
type node struct {
	kind    kind
	bare    bool // kindString written as an unquoted word
	raw     bool // kindObject produced from a free-form (Raw) value, where new keys may be added
	b       bool
	text    string // string value, or number literal as written
	line    int32
	col     int32
	members []member
	elems   []*node
}

// member is one key of an object.
type member struct {
	key       string
	line, col int32
	val       *node
}

// describe returns the kind of n for an error message, naming bare words.
func (n *node) describe() string {
	if n.kind == kindString && n.bare {
		return "the bare word `" + n.text + "`"
	}
	if n.kind == kindNumber {
		return "the number " + n.text
	}
	if n.kind == kindBool {
		if n.b {
			return "true"
		}
		return "false"
	}
	return n.kind.String()
}

// get returns the member named key, or nil.
func (n *node) get(key string) *node {
	for i := range n.members {
		if n.members[i].key == key {
			return n.members[i].val
		}
	}
	return nil
}

// set replaces or appends the member named key.
func (n *node) set(key string, v *node) {
	for i := range n.members {
		if n.members[i].key == key {
			n.members[i].val = v
			return
		}
	}
	n.members = append(n.members, member{key: key, val: v})
}

func strNode(s string) *node           { return &node{kind: kindString, text: s} }
func numNode(s string) *node           { return &node{kind: kindNumber, text: s} }
func boolNode(b bool) *node            { return &node{kind: kindBool, b: b} }
func nullNode() *node                  { return &node{kind: kindNull} }
func objNode(ms ...member) *node       { return &node{kind: kindObject, members: ms} }
func arrNode(elems ...*node) *node     { return &node{kind: kindArray, elems: elems} }
func field(key string, v *node) member { return member{key: key, val: v} }
