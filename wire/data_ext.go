package wire

// dataExts points at the fields where a data message (Put, Del, Query, Err) keeps the
// extensions they share, so that one loop reads them: SourceInfo 0x41, an attachment (0x43 in
// Put, 0x42 in Del, 0x45 in Query; Err has none) and the unknown extensions.
type dataExts struct {
	hasSourceInfo *bool
	sourceInfo    *SourceInfo
	attachmentID  byte // the attachment's extension header; 0 when the message has none
	hasAttachment *bool
	attachment    *[]byte
	shm           bool // the payload may be in shared memory (Put, Err): extension 0x12 fails as ext_shm
	exts          *[]Ext
}

// dataExts reads the extension list of a data message (whose header has the Z flag) into x's
// fields. own, when not nil, handles the extensions only the message defines: it reports whether
// it knew e, which starts at offset start. The others are kept (see keepExt).
func (r *rd) dataExts(x dataExts, own func(e Ext, start int) (bool, error)) error {
	for more := true; more; {
		start := r.off
		e, m, err := r.ext("ext")
		if err != nil {
			return err
		}
		more = m
		switch {
		case e.Header == dataExtSourceInfo:
			if *x.sourceInfo, err = r.sourceInfoExt(e); err == nil {
				*x.hasSourceInfo = true
			}
		case e.Header == x.attachmentID && x.attachmentID != 0:
			*x.attachment, *x.hasAttachment = nilIfEmpty(e.Body), true
		case e.Header == dataExtShm && x.shm:
			return r.failAt(start, "ext_shm", ErrUnknownMandatory)
		default:
			known := false
			if own != nil {
				if known, err = own(e, start); err != nil {
					return err
				}
			}
			if !known {
				*x.exts, err = r.keepExt(e, *x.exts)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
