package wire

import (
	"encoding/hex"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// netHex decodes hex with optional spaces.
func netHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// netZIDLE builds a ZenohID from its on-the-wire (little-endian) hex bytes.
func netZIDLE(t testing.TB, s string) ZenohID {
	t.Helper()
	id, err := ZenohIDFromBytes(netHex(t, s))
	if err != nil {
		t.Fatalf("bad zid %q: %v", s, err)
	}
	return id
}

// netBytes draws a byte slice of length 0..max, nil when empty (as decoders return it).
func netBytes(t *rapid.T, label string, max int) []byte {
	p := rapid.SliceOfN(rapid.Byte(), 0, max).Draw(t, label)
	if len(p) == 0 {
		return nil
	}
	return p
}

// netKey draws a UTF-8 key suffix (nil when empty).
func netKey(t *rapid.T, label string) []byte {
	s := rapid.StringMatching(`[a-z0-9/*$@é]{0,24}`).Draw(t, label)
	if s == "" {
		return nil
	}
	return []byte(s)
}

func netGenZID(t *rapid.T, label string) ZenohID {
	n := rapid.IntRange(1, MaxZIDSize).Draw(t, label+".size")
	var id ZenohID
	for i := 0; i < n; i++ {
		id[i] = rapid.Byte().Draw(t, label)
	}
	id[n-1] |= 1 // the most significant byte is non-zero, so the id has exactly n bytes
	return id
}

func netGenWireExpr(t *rapid.T, label string, withMapping bool) WireExpr {
	w := WireExpr{
		Scope:  uint16(rapid.Uint32Range(0, netMaxU16).Draw(t, label+".scope")),
		Suffix: netKey(t, label+".suffix"),
	}
	if withMapping && rapid.Bool().Draw(t, label+".sender") {
		w.Mapping = MappingSender
	}
	return w
}

func netGenTimestamp(t *rapid.T, label string) Timestamp {
	return Timestamp{Time: rapid.Uint64().Draw(t, label+".time"), ID: netGenZID(t, label+".id")}
}

func netGenEntity(t *rapid.T, label string) EntityGlobalID {
	return EntityGlobalID{ZID: netGenZID(t, label+".zid"), EID: rapid.Uint32().Draw(t, label+".eid")}
}

func netGenSourceInfo(t *rapid.T, label string) SourceInfo {
	return SourceInfo{ID: netGenEntity(t, label), SN: rapid.Uint32().Draw(t, label+".sn")}
}

func netGenEncoding(t *rapid.T, label string) Encoding {
	e := Encoding{ID: rapid.Uint16().Draw(t, label+".id")}
	if rapid.Bool().Draw(t, label+".has_schema") {
		e.HasSchema = true
		e.Schema = netBytes(t, label+".schema", 12)
	}
	return e
}

// netGenExts draws unknown non-mandatory extensions whose headers are not in known.
func netGenExts(t *rapid.T, label string, known ...byte) []Ext {
	n := rapid.IntRange(0, 3).Draw(t, label+".n")
	var es []Ext
	for i := 0; i < n; i++ {
		h := rapid.Byte().Filter(func(h byte) bool {
			h &^= ExtMore
			if h&ExtMandatory != 0 || h&ExtEncMask == ExtEncMask {
				return false
			}
			for _, k := range known {
				if h == k {
					return false
				}
			}
			return true
		}).Draw(t, label+".h") &^ ExtMore
		e := Ext{Header: h}
		switch e.Enc() {
		case ExtZ64:
			e.Value = rapid.Uint64().Draw(t, label+".v")
		case ExtZBuf:
			e.Body = netBytes(t, label+".body", 8)
		}
		es = append(es, e)
	}
	return es
}

func netGenQoS(t *rapid.T, label string) NetQoS {
	if rapid.Bool().Draw(t, label+".default") {
		return NetQoSDefault
	}
	return NetQoS(rapid.Byte().Draw(t, label))
}

func netGenOptTimestamp(t *rapid.T, label string) (bool, Timestamp) {
	if rapid.Bool().Draw(t, label+".has") {
		return true, netGenTimestamp(t, label)
	}
	return false, Timestamp{}
}

func netGenOptSourceInfo(t *rapid.T, label string) (bool, SourceInfo) {
	if rapid.Bool().Draw(t, label+".has") {
		return true, netGenSourceInfo(t, label)
	}
	return false, SourceInfo{}
}

func netGenOptBytes(t *rapid.T, label string) (bool, []byte) {
	if rapid.Bool().Draw(t, label+".has") {
		return true, netBytes(t, label, 10)
	}
	return false, nil
}

func netGenNodeID(t *rapid.T, label string) uint16 {
	if rapid.Bool().Draw(t, label+".zero") {
		return 0
	}
	return rapid.Uint16().Draw(t, label)
}

func netGenPut(t *rapid.T) Put {
	var m Put
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "put.ts")
	m.Encoding = netGenEncoding(t, "put.enc")
	m.HasSourceInfo, m.SourceInfo = netGenOptSourceInfo(t, "put.sinfo")
	m.HasAttachment, m.Attachment = netGenOptBytes(t, "put.att")
	m.Exts = netGenExts(t, "put.exts", dataExtSourceInfo, putExtAttachment, dataExtShm)
	m.Payload = netBytes(t, "put.payload", 40)
	return m
}

func netGenDel(t *rapid.T) Del {
	var m Del
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "del.ts")
	m.HasSourceInfo, m.SourceInfo = netGenOptSourceInfo(t, "del.sinfo")
	m.HasAttachment, m.Attachment = netGenOptBytes(t, "del.att")
	m.Exts = netGenExts(t, "del.exts", dataExtSourceInfo, delExtAttachment)
	return m
}

func netGenPushBody(t *rapid.T) PushBody {
	if rapid.Bool().Draw(t, "body.put") {
		return PushBody{ID: DataIDPut, Put: netGenPut(t)}
	}
	return PushBody{ID: DataIDDel, Del: netGenDel(t)}
}

func netGenConsolidation(t *rapid.T, label string) ConsolidationMode {
	return ConsolidationMode(rapid.IntRange(0, 3).Draw(t, label))
}

func netGenQuery(t *rapid.T) Query {
	var m Query
	m.Consolidation = netGenConsolidation(t, "query.cons")
	m.Parameters = netKey(t, "query.params")
	m.HasSourceInfo, m.SourceInfo = netGenOptSourceInfo(t, "query.sinfo")
	if rapid.Bool().Draw(t, "query.has_body") {
		m.HasBody = true
		m.Body = QueryBody{Encoding: netGenEncoding(t, "query.body.enc"), Payload: netBytes(t, "query.body.payload", 10)}
	}
	m.HasAttachment, m.Attachment = netGenOptBytes(t, "query.att")
	m.Exts = netGenExts(t, "query.exts", dataExtSourceInfo, queryExtBody, queryExtBodyShm, queryExtAttachment)
	return m
}

func netGenReply(t *rapid.T) Reply {
	return Reply{
		Consolidation: netGenConsolidation(t, "reply.cons"),
		Exts:          netGenExts(t, "reply.exts"),
		Body:          netGenPushBody(t),
	}
}

func netGenErrReply(t *rapid.T) ErrReply {
	var m ErrReply
	m.Encoding = netGenEncoding(t, "err.enc")
	m.HasSourceInfo, m.SourceInfo = netGenOptSourceInfo(t, "err.sinfo")
	m.Exts = netGenExts(t, "err.exts", dataExtSourceInfo, dataExtShm)
	m.Payload = netBytes(t, "err.payload", 20)
	return m
}

func netGenPush(t *rapid.T) Push {
	var m Push
	m.WireExpr = netGenWireExpr(t, "push.we", true)
	m.QoS = netGenQoS(t, "push.qos")
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "push.ts")
	m.NodeID = netGenNodeID(t, "push.node")
	m.Exts = netGenExts(t, "push.exts", netExtQoS, netExtTimestamp, netExtNodeID)
	m.Body = netGenPushBody(t)
	return m
}

func netGenRequest(t *rapid.T) Request {
	var m Request
	m.RequestID = rapid.Uint32().Draw(t, "req.id")
	m.WireExpr = netGenWireExpr(t, "req.we", true)
	m.QoS = netGenQoS(t, "req.qos")
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "req.ts")
	m.Target = QueryTarget(rapid.IntRange(0, 2).Draw(t, "req.target"))
	if rapid.Bool().Draw(t, "req.has_budget") {
		m.Budget = rapid.Uint32().Draw(t, "req.budget")
	}
	if rapid.Bool().Draw(t, "req.has_timeout") {
		m.HasTimeout, m.TimeoutMs = true, rapid.Uint64().Draw(t, "req.timeout")
	}
	m.NodeID = netGenNodeID(t, "req.node")
	m.Exts = netGenExts(t, "req.exts", netExtQoS, netExtTimestamp, netExtTarget, netExtBudget, netExtTimeout, netExtNodeID)
	m.Query = netGenQuery(t)
	return m
}

func netGenResponse(t *rapid.T) Response {
	var m Response
	m.RequestID = rapid.Uint32().Draw(t, "resp.id")
	m.WireExpr = netGenWireExpr(t, "resp.we", true)
	m.QoS = netGenQoS(t, "resp.qos")
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "resp.ts")
	if rapid.Bool().Draw(t, "resp.has_responder") {
		m.HasResponderID, m.ResponderID = true, netGenEntity(t, "resp.responder")
	}
	m.Exts = netGenExts(t, "resp.exts", netExtQoS, netExtTimestamp, netExtResponderID)
	if rapid.Bool().Draw(t, "resp.reply") {
		m.Body = ResponseBody{ID: DataIDReply, Reply: netGenReply(t)}
	} else {
		m.Body = ResponseBody{ID: DataIDErr, Err: netGenErrReply(t)}
	}
	return m
}

func netGenResponseFinal(t *rapid.T) ResponseFinal {
	var m ResponseFinal
	m.RequestID = rapid.Uint32().Draw(t, "final.id")
	m.QoS = netGenQoS(t, "final.qos")
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "final.ts")
	m.Exts = netGenExts(t, "final.exts", netExtQoS, netExtTimestamp)
	return m
}

// netGenInterest draws an Interest whose Options are already in the form the codec writes:
// R set iff Restricted; when restricted, N and M follow the wire expression.
func netGenInterest(t *rapid.T) Interest {
	var m Interest
	m.InterestID = rapid.Uint32().Draw(t, "int.id")
	m.Mode = InterestMode(rapid.IntRange(0, 3).Draw(t, "int.mode"))
	if m.Mode != InterestFinal {
		o := InterestOptions(rapid.Byte().Draw(t, "int.options")) &^ InterestRestricted
		if rapid.Bool().Draw(t, "int.restricted") {
			m.Restricted = true
			m.WireExpr = netGenWireExpr(t, "int.we", true)
			o = o&^(InterestNamed|InterestMapping) | InterestRestricted
			if len(m.WireExpr.Suffix) > 0 {
				o |= InterestNamed
			}
			if m.WireExpr.Mapping == MappingSender {
				o |= InterestMapping
			}
		}
		m.Options = o
	}
	m.QoS = netGenQoS(t, "int.qos")
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "int.ts")
	m.NodeID = netGenNodeID(t, "int.node")
	m.Exts = netGenExts(t, "int.exts", netExtQoS, netExtTimestamp, netExtNodeID)
	return m
}

var netDeclIDs = []DeclareID{DeclIDKeyExpr, DeclIDUndeclKeyExpr, DeclIDSubscriber, DeclIDUndeclSubscriber,
	DeclIDQueryable, DeclIDUndeclQueryable, DeclIDToken, DeclIDUndeclToken, DeclIDFinal}

func netGenDeclareBody(t *rapid.T) DeclareBody {
	m := DeclareBody{ID: rapid.SampledFrom(netDeclIDs).Draw(t, "decl.id")}
	switch m.ID {
	case DeclIDKeyExpr, DeclIDUndeclKeyExpr:
		m.EntityID = rapid.Uint32Range(0, netMaxU16).Draw(t, "decl.expr_id")
	case DeclIDFinal:
	default:
		m.EntityID = rapid.Uint32().Draw(t, "decl.entity_id")
	}
	var known []byte
	switch m.ID {
	case DeclIDKeyExpr:
		m.WireExpr = netGenWireExpr(t, "decl.we", false)
	case DeclIDSubscriber, DeclIDToken:
		m.WireExpr = netGenWireExpr(t, "decl.we", true)
	case DeclIDQueryable:
		m.WireExpr = netGenWireExpr(t, "decl.we", true)
		m.Complete = rapid.Bool().Draw(t, "decl.complete")
		m.Distance = rapid.Uint16().Draw(t, "decl.distance")
		known = []byte{declExtQueryableInfo}
	case DeclIDUndeclSubscriber, DeclIDUndeclQueryable, DeclIDUndeclToken:
		if rapid.Bool().Draw(t, "decl.has_we") {
			m.WireExpr = netGenWireExpr(t, "decl.we", true)
		}
		known = []byte{declExtWireExpr}
	}
	m.Exts = netGenExts(t, "decl.exts", known...)
	return m
}

func netGenDeclare(t *rapid.T) Declare {
	var m Declare
	if rapid.Bool().Draw(t, "declare.has_interest") {
		m.HasInterestID, m.InterestID = true, rapid.Uint32().Draw(t, "declare.interest")
	}
	m.QoS = netGenQoS(t, "declare.qos")
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "declare.ts")
	m.NodeID = netGenNodeID(t, "declare.node")
	m.Exts = netGenExts(t, "declare.exts", netExtQoS, netExtTimestamp, netExtNodeID)
	m.Body = netGenDeclareBody(t)
	return m
}

func netGenOAM(t *rapid.T) NetworkOAM {
	var m NetworkOAM
	m.OAMID = rapid.Uint16().Draw(t, "oam.id")
	m.QoS = netGenQoS(t, "oam.qos")
	m.HasTimestamp, m.Timestamp = netGenOptTimestamp(t, "oam.ts")
	m.Exts = netGenExts(t, "oam.exts", netExtQoS, netExtTimestamp)
	m.Enc = rapid.SampledFrom([]ExtEnc{ExtUnit, ExtZ64, ExtZBuf}).Draw(t, "oam.enc")
	switch m.Enc {
	case ExtZ64:
		m.Value = rapid.Uint64().Draw(t, "oam.value")
	case ExtZBuf:
		m.Body = netBytes(t, "oam.body", 20)
	}
	return m
}

// netGenMessage draws a network message of any kind.
func netGenMessage(t *rapid.T) NetworkMessage {
	var m NetworkMessage
	m.ID = rapid.SampledFrom([]NetworkID{NetIDPush, NetIDRequest, NetIDResponse, NetIDResponseFinal,
		NetIDInterest, NetIDDeclare, NetIDOAM}).Draw(t, "id")
	switch m.ID {
	case NetIDPush:
		m.Push = netGenPush(t)
	case NetIDRequest:
		m.Request = netGenRequest(t)
	case NetIDResponse:
		m.Response = netGenResponse(t)
	case NetIDResponseFinal:
		m.ResponseFinal = netGenResponseFinal(t)
	case NetIDInterest:
		m.Interest = netGenInterest(t)
	case NetIDDeclare:
		m.Declare = netGenDeclare(t)
	case NetIDOAM:
		m.OAM = netGenOAM(t)
	}
	return m
}
