package zenoh

import (
	"strconv"
	"strings"

	"github.com/gozenoh/zenoh/wire"
)

// Encoding says how a payload is encoded: one of Zenoh's well-known encodings (a numeric id on
// the wire, e.g. "text/plain" is 4) with an optional schema ("text/plain;utf-8"), or a custom
// one carried whole in the schema. It is a small comparable value; the zero Encoding is
// EncodingZenohBytes, Zenoh's default. See zenoh/src/api/encoding.rs for the table.
type Encoding struct {
	id     uint16
	schema string
}

// encodingCustomID is the id of an encoding that is not in the table: the schema holds its
// whole text (Zenoh's CUSTOM_ENCODING_ID).
const encodingCustomID = 0xffff

// MaxEncodingSchemaLen is the longest schema an encoding may carry on the wire (Zenoh's limit).
const MaxEncodingSchemaLen = wire.MaxSchemaLen

// encodingNames is Zenoh's table of well-known encodings, indexed by id (wire values: only
// append, never renumber).
var encodingNames = [...]string{
	"zenoh/bytes", "zenoh/string", "zenoh/serialized", "application/octet-stream", "text/plain",
	"application/json", "text/json", "application/cdr", "application/cbor", "application/yaml",
	"text/yaml", "text/json5", "application/python-serialized-object", "application/protobuf",
	"application/java-serialized-object", "application/openmetrics-text", "image/png",
	"image/jpeg", "image/gif", "image/bmp", "image/webp", "application/xml",
	"application/x-www-form-urlencoded", "text/html", "text/xml", "text/css", "text/javascript",
	"text/markdown", "text/csv", "application/sql", "application/coap-payload",
	"application/json-patch+json", "application/json-seq", "application/jsonpath",
	"application/jwt", "application/mp4", "application/soap+xml", "application/yang",
	"audio/aac", "audio/flac", "audio/mp4", "audio/ogg", "audio/vorbis", "video/h261",
	"video/h263", "video/h264", "video/h265", "video/h266", "video/mp4", "video/ogg",
	"video/raw", "video/vp8", "video/vp9",
}

// encodingIDs maps the names of encodingNames to their ids.
var encodingIDs = func() map[string]uint16 {
	m := make(map[string]uint16, len(encodingNames))
	for i, n := range encodingNames {
		m[n] = uint16(i)
	}
	return m
}()

// Zenoh's well-known encodings.
var (
	EncodingZenohBytes                        = Encoding{id: 0}
	EncodingZenohString                       = Encoding{id: 1}
	EncodingZenohSerialized                   = Encoding{id: 2}
	EncodingApplicationOctetStream            = Encoding{id: 3}
	EncodingTextPlain                         = Encoding{id: 4}
	EncodingApplicationJSON                   = Encoding{id: 5}
	EncodingTextJSON                          = Encoding{id: 6}
	EncodingApplicationCDR                    = Encoding{id: 7}
	EncodingApplicationCBOR                   = Encoding{id: 8}
	EncodingApplicationYAML                   = Encoding{id: 9}
	EncodingTextYAML                          = Encoding{id: 10}
	EncodingTextJSON5                         = Encoding{id: 11}
	EncodingApplicationPythonSerializedObject = Encoding{id: 12}
	EncodingApplicationProtobuf               = Encoding{id: 13}
	EncodingApplicationJavaSerializedObject   = Encoding{id: 14}
	EncodingApplicationOpenMetricsText        = Encoding{id: 15}
	EncodingImagePNG                          = Encoding{id: 16}
	EncodingImageJPEG                         = Encoding{id: 17}
	EncodingImageGIF                          = Encoding{id: 18}
	EncodingImageBMP                          = Encoding{id: 19}
	EncodingImageWebP                         = Encoding{id: 20}
	EncodingApplicationXML                    = Encoding{id: 21}
	EncodingApplicationXWWWFormURLEncoded     = Encoding{id: 22}
	EncodingTextHTML                          = Encoding{id: 23}
	EncodingTextXML                           = Encoding{id: 24}
	EncodingTextCSS                           = Encoding{id: 25}
	EncodingTextJavaScript                    = Encoding{id: 26}
	EncodingTextMarkdown                      = Encoding{id: 27}
	EncodingTextCSV                           = Encoding{id: 28}
	EncodingApplicationSQL                    = Encoding{id: 29}
	EncodingApplicationCoapPayload            = Encoding{id: 30}
	EncodingApplicationJSONPatchJSON          = Encoding{id: 31}
	EncodingApplicationJSONSeq                = Encoding{id: 32}
	EncodingApplicationJSONPath               = Encoding{id: 33}
	EncodingApplicationJWT                    = Encoding{id: 34}
	EncodingApplicationMP4                    = Encoding{id: 35}
	EncodingApplicationSOAPXML                = Encoding{id: 36}
	EncodingApplicationYANG                   = Encoding{id: 37}
	EncodingAudioAAC                          = Encoding{id: 38}
	EncodingAudioFLAC                         = Encoding{id: 39}
	EncodingAudioMP4                          = Encoding{id: 40}
	EncodingAudioOGG                          = Encoding{id: 41}
	EncodingAudioVorbis                       = Encoding{id: 42}
	EncodingVideoH261                         = Encoding{id: 43}
	EncodingVideoH263                         = Encoding{id: 44}
	EncodingVideoH264                         = Encoding{id: 45}
	EncodingVideoH265                         = Encoding{id: 46}
	EncodingVideoH266                         = Encoding{id: 47}
	EncodingVideoMP4                          = Encoding{id: 48}
	EncodingVideoOGG                          = Encoding{id: 49}
	EncodingVideoRaw                          = Encoding{id: 50}
	EncodingVideoVP8                          = Encoding{id: 51}
	EncodingVideoVP9                          = Encoding{id: 52}
)

// NewEncoding returns the encoding written s, as Zenoh's Encoding::from(&str): the part before
// the first ';' is looked up in the table of well-known encodings and the rest is the schema
// ("text/plain;utf-8"); a name that is not in the table makes a custom encoding that keeps s
// whole. The empty string is EncodingZenohBytes.
func NewEncoding(s string) Encoding {
	if s == "" {
		return Encoding{}
	}
	name, schema, _ := strings.Cut(s, ";")
	if id, ok := encodingIDs[name]; ok {
		return Encoding{id: id, schema: schema}
	}
	return Encoding{id: encodingCustomID, schema: s}
}

// WithSchema returns e with schema s (for a custom encoding, its name is kept and s replaces
// what followed the ';'), as Zenoh's with_schema.
func (e Encoding) WithSchema(s string) Encoding {
	if e.id == encodingCustomID {
		name, _, _ := strings.Cut(e.schema, ";")
		switch {
		case name == "":
			e.schema = s
		case s == "":
			e.schema = name
		default:
			e.schema = name + ";" + s
		}
		return e
	}
	e.schema = s
	return e
}

// ID returns the encoding's numeric id on the wire (0xffff for a custom encoding).
func (e Encoding) ID() uint16 { return e.id }

// Schema returns the schema ("" when there is none). For a custom encoding it is the whole text.
func (e Encoding) Schema() string { return e.schema }

// String returns the encoding as Zenoh writes it: "text/plain", "text/plain;utf-8", the text
// of a custom encoding, or "unknown(<id>)" for an id outside the table.
func (e Encoding) String() string {
	var name string
	switch {
	case e.id == encodingCustomID:
		return e.schema
	case int(e.id) < len(encodingNames):
		name = encodingNames[e.id]
	default:
		name = "unknown(" + strconv.Itoa(int(e.id)) + ")"
	}
	if e.schema == "" {
		return name
	}
	return name + ";" + e.schema
}

// toWire returns the wire form of e. The schema bytes are a copy.
func (e Encoding) toWire() wire.Encoding {
	w := wire.Encoding{ID: e.id}
	if e.schema != "" {
		w.HasSchema, w.Schema = true, []byte(e.schema)
	}
	return w
}

// check validates what the wire cannot carry.
func (e Encoding) check() error {
	if len(e.schema) > MaxEncodingSchemaLen {
		return errEncodingSchema
	}
	return nil
}

// encodingFromWire returns the encoding of a received message (the schema copied).
func encodingFromWire(w *wire.Encoding) Encoding {
	return Encoding{id: w.ID, schema: string(w.Schema)}
}
