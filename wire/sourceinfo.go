package wire

// SourceInfo identifies where a data message comes from: the publishing (or querying, or
// replying) entity and its sequence number for that message. It travels as extension 0x41 of
// Put, Del, Query and Err.
//
// Wire layout (commons/zenoh-codec/src/zenoh/mod.rs, SourceInfoType), inside the zbuf extension:
//
//	~EntityGlobalID~    flags byte, ZenohID, %eid%
//	%sn%                zint bounded to u32
type SourceInfo struct {
	ID EntityGlobalID
	SN uint32
}

// Len returns the encoded size of the extension body.
func (s *SourceInfo) Len() int { return s.ID.Len() + ZintLen(uint64(s.SN)) }

// Append appends the extension body.
func (s *SourceInfo) Append(b []byte) ([]byte, error) {
	b, err := s.ID.Append(b)
	if err != nil {
		return b, err
	}
	return AppendZint(b, uint64(s.SN)), nil
}

// DecodeSourceInfo decodes a SourceInfo extension body from the start of b.
func DecodeSourceInfo(b []byte) (SourceInfo, int, error) {
	r := newRd(b, "SourceInfo")
	s, err := r.sourceInfo()
	return s, r.off, err
}

func (r *rd) sourceInfo() (SourceInfo, error) {
	var s SourceInfo
	var err error
	if s.ID, err = r.entityGlobalID(); err != nil {
		return s, err
	}
	v, err := r.zintMax("sn", netMaxU32)
	s.SN = uint32(v)
	return s, err
}

// sourceInfoExt decodes the body of a SourceInfo extension, which must hold exactly one.
func (r *rd) sourceInfoExt(e Ext) (SourceInfo, error) {
	s := r.extSub(e.Body)
	si, err := s.sourceInfo()
	if err == nil {
		err = s.subDone("ext_sinfo")
	}
	return si, err
}

// appendSourceInfoExt appends a SourceInfo extension.
func appendSourceInfoExt(b []byte, s *SourceInfo, more bool) ([]byte, error) {
	if s.ID.ZID.IsZero() {
		return b, encErr("SourceInfo", "zid", "zero id")
	}
	b = appendZBufExtHead(b, dataExtSourceInfo, s.Len(), more)
	return s.Append(b)
}
