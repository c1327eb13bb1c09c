package main

import (
	"bufio"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gozenoh/zenoh/wire"
)

// maxDecodeInput bounds the hex text read from standard input.
const maxDecodeInput = 16 << 20

const decodeUsage = `usage: gozenoh decode [-layer L] [HEX ...]

Decodes Zenoh messages and prints them, one line per message. HEX may contain spaces, colons
and newlines; without arguments it is read from standard input.

Layers:
  stream     a TCP byte stream: 2-byte little-endian length, then a batch, repeated
  batch      one batch: transport messages, and the network messages inside Frames
  transport  one transport message
  network    one network message
  scouting   one scouting datagram (Scout or Hello)
  auto       stream if the input parses as one, else batch, else scouting (default)
`

func runDecode(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, decodeUsage) }
	layer := fs.String("layer", "auto", "stream, batch, transport, network, scouting or auto")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := strings.Join(fs.Args(), "")
	if fs.NArg() == 0 {
		b, err := io.ReadAll(io.LimitReader(bufio.NewReader(stdin), maxDecodeInput+1))
		if err != nil {
			return err
		}
		if len(b) > maxDecodeInput {
			return fmt.Errorf("input larger than %d bytes", maxDecodeInput)
		}
		text = string(b)
	}
	data, err := parseHex(text)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		fs.Usage()
		return errUsage
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	return decodeLayer(w, *layer, data)
}

// parseHex accepts hex digits separated by any white space, ':' or '-', and an optional 0x.
func parseHex(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "0x")
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', ':', '-':
			return -1
		}
		return r
	}, s)
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("input is not hex: %w", err)
	}
	return b, nil
}

func decodeLayer(w io.Writer, layer string, data []byte) error {
	switch layer {
	case "stream":
		return decodeStream(w, data)
	case "batch":
		return decodeBatch(w, "", data)
	case "transport":
		m, n, err := wire.DecodeTransport(data)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %s\n", m.Name(), pretty(transportBody(&m)))
		return trailing(n, data)
	case "network":
		m, n, err := wire.DecodeNetwork(data)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %s\n", m.ID, pretty(networkBody(&m)))
		return trailing(n, data)
	case "scouting":
		m, n, err := wire.DecodeScouting(data)
		if err != nil {
			return err
		}
		var body any = m.Scout
		if m.ID == wire.ScoutingIDHello {
			body = m.Hello
		}
		fmt.Fprintf(w, "%s %s\n", m.ID, pretty(body))
		return trailing(n, data)
	case "auto":
		for _, l := range []string{"stream", "batch", "scouting"} {
			if err := decodeLayer(io.Discard, l, data); err == nil {
				fmt.Fprintf(w, "# %s\n", l)
				return decodeLayer(w, l, data)
			}
		}
		return errors.New("input decodes as no stream, batch or scouting datagram; try -layer")
	}
	return fmt.Errorf("unknown layer %q", layer)
}

func trailing(n int, data []byte) error {
	if n != len(data) {
		return fmt.Errorf("%d trailing bytes after the message: %x", len(data)-n, data[n:])
	}
	return nil
}

func decodeStream(w io.Writer, data []byte) error {
	for i := 0; len(data) > 0; i++ {
		batch, n, err := wire.SplitStream(data)
		if err != nil {
			return fmt.Errorf("batch %d: %w", i, err)
		}
		fmt.Fprintf(w, "batch %d (%d bytes)\n", i, len(batch))
		if err := decodeBatch(w, "  ", batch); err != nil {
			return fmt.Errorf("batch %d: %w", i, err)
		}
		data = data[n:]
	}
	return nil
}

func decodeBatch(w io.Writer, indent string, batch []byte) error {
	it := wire.NewBatchIter(batch)
	for k := it.Next(); k != wire.BatchDone; k = it.Next() {
		switch k {
		case wire.BatchFrame:
			fmt.Fprintf(w, "%sFrame %s\n", indent, pretty(*it.FrameHeader()))
		case wire.BatchNetwork:
			m := it.Network()
			fmt.Fprintf(w, "%s  %s %s\n", indent, m.ID, pretty(networkBody(m)))
		case wire.BatchTransport:
			m := it.Transport()
			fmt.Fprintf(w, "%s%s %s\n", indent, m.Name(), pretty(transportBody(m)))
		}
	}
	return it.Err()
}

func transportBody(m *wire.TransportMessage) any {
	switch {
	case m.ID == wire.TransportIDInit && m.Ack:
		return m.InitAck
	case m.ID == wire.TransportIDInit:
		return m.InitSyn
	case m.ID == wire.TransportIDOpen && m.Ack:
		return m.OpenAck
	case m.ID == wire.TransportIDOpen:
		return m.OpenSyn
	case m.ID == wire.TransportIDClose:
		return m.Close
	case m.ID == wire.TransportIDKeepAlive:
		return m.KeepAlive
	case m.ID == wire.TransportIDFrame:
		return m.Frame
	case m.ID == wire.TransportIDFragment:
		return m.Fragment
	case m.ID == wire.TransportIDJoin:
		return m.Join
	}
	return m.OAM
}

func networkBody(m *wire.NetworkMessage) any {
	switch m.ID {
	case wire.NetIDPush:
		return m.Push
	case wire.NetIDRequest:
		return m.Request
	case wire.NetIDResponse:
		return m.Response
	case wire.NetIDResponseFinal:
		return m.ResponseFinal
	case wire.NetIDInterest:
		return m.Interest
	case wire.NetIDDeclare:
		return m.Declare
	}
	return m.OAM
}
