package wire

// EntityGlobalID names an entity (publisher, queryable, ...) across the system: the ZenohID of its
// node and an entity id local to that node. Responses carry it as the ResponderId extension and
// data messages as the first part of SourceInfo.
//
// Wire layout (commons/zenoh-codec/src/network/mod.rs, EntityGlobalIdType):
//
//	|zid_len-1|rsvd|    one byte: high nibble is the ZenohID size minus one, low nibble reserved
//	~zid~               zid_len bytes, little-endian
//	%eid%               zint bounded to u32
type EntityGlobalID struct {
	ZID ZenohID
	EID uint32
}

// Len returns the encoded size.
func (e *EntityGlobalID) Len() int { return 1 + e.ZID.Size() + ZintLen(uint64(e.EID)) }

// Append appends the id. The ZenohID must not be zero.
func (e *EntityGlobalID) Append(b []byte) ([]byte, error) {
	n := e.ZID.Size()
	if n == 0 {
		return b, encErr("EntityGlobalID", "zid", "zero id")
	}
	b = append(b, byte(n-1)<<4)
	b = append(b, e.ZID[:n]...)
	return AppendZint(b, uint64(e.EID)), nil
}

// DecodeEntityGlobalID decodes an entity global id from the start of b.
func DecodeEntityGlobalID(b []byte) (EntityGlobalID, int, error) {
	r := newRd(b, "EntityGlobalID")
	e, err := r.entityGlobalID()
	return e, r.off, err
}

// entityGlobalID reads the flags byte, the ZenohID and the entity id. Like Zenoh, it ignores the
// reserved low nibble of the flags.
func (r *rd) entityGlobalID() (EntityGlobalID, error) {
	var e EntityGlobalID
	f, err := r.u8("zid_len")
	if err != nil {
		return e, err
	}
	if e.ZID, err = r.zid("zid", 1+int(f>>4)); err != nil {
		return e, err
	}
	v, err := r.zintMax("eid", netMaxU32)
	e.EID = uint32(v)
	return e, err
}
