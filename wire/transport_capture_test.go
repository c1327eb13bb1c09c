package wire

// Batches captured from zenoh 1.10.2 (eclipse-zenoh from PyPI) by a logging TCP proxy between two
// python peers on 127.0.0.1: B (zid 2fd01c9e7b3a4c55a6e1f0d2c3b4a596) dialled A
// (zid a1b2c3d4e5f60718) through the proxy, B put "demo/x" with payloads of 8, 8, 1024 and
// 100000 bytes, A had a subscriber on "demo/**". The TCP length prefixes are stripped.
const (
	// capDefault*: default configuration (QoS on, shared memory compiled in).
	capDefaultInitSyn = "c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f0ac8ff81c205c78fb5d1042701"
	capDefaultInitAck = "e109711807f6e5d4c3b2a10a00c031308e48e2b3f42fbd818727d6673888e76a5431f319290d472acef43e803ae7787ee3b5304371ba65aed201b60e4995d2f281c20de6c1f2fd848a89ec20ffe2a1282701"
	capDefaultOpenSyn = "c20aa685d87731308e48e2b3f42fbd818727d6673888e76a5431f319290d472acef43e803ae7787ee3b5304371ba65aed201b60e4995d2f24212ebdadaf1b3a0a5fd31010001020304050607"
	capDefaultOpenAck = "e20ae3bcb7374209010001020304050607"
	// A's first batch: a reliable Frame at priority Control holding B-bound declarations.
	capDefaultFrameA = "a5e3bcb73731009e21082001000464656d6f9e2108620101032f2a2abe0021081a"
	// B's first batch: a reliable Frame at priority Control holding a DeclareFinal.
	capDefaultFrameB = "a5a685d8773100be0021081a"
	// B's put of 8 bytes: a reliable Frame (priority Data) holding one Push/Put.
	capDefaultPut8 = "25a685d8773d01022f780108abababababababab"
	// Heads of B's 100000-byte put, fragmented to fit A's batch size of 49152 (0xc000): the
	// first fragment (M, First marker), a middle one (M) and the last; each payload is the rest
	// of its batch (49150 bytes for full batches, header included).
	capDefaultFragFirstHead = "e6a985d87702" // the payload starts 3d01022f7801a08d06: the Push
	capDefaultFragMidHead   = "66aa85d877"
	capDefaultFragLastHead  = "26ab85d877"
	capClose                = "0300"
	capKeepAlive            = "04"

	// capTuned*: QoS off on both, B with lease 2500 ms, 16-bit SN resolution, batch size 8192.
	capTunedInitSyn = "c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f090020c20595c4edee0e2701"
	capTunedInitAck = "e109711807f6e5d4c3b2a1090020313002a00d901c3c4af2c4419328bf83a1f18470c6077eb54186fa5ec0eeca135efa136b4f427ae1409554f359fa6ef828e5c20ef6c7b9d288b5bee7e29fc7e8d30b2701"
	capTunedOpenSyn = "82c413a605313002a00d901c3c4af2c4419328bf83a1f18470c6077eb54186fa5ec0eeca135efa136b4f427ae1409554f359fa6ef828e542129cccd6b8e695aaaa28010001020304050607"
	capTunedOpenAck = "e20ae33c4209010001020304050607"
	capTunedFrameA  = "25e33c9e21082001000464656d6f9e2108620101032f2a2abe0021081a"
	capTunedPut8    = "25a7053d01022f780108abababababababab"

	// capCompression*: compression enabled on both; after the OpenAck every batch starts with
	// the batch header byte (0x01: LZ4 block follows, 0x00: uncompressed).
	capCompressionInitSyn = "c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f0ac8ff81c205938684aa0e862701"
	capCompressionPut8    = "0025a685d8773d01022f780108abababababababab"
	capCompressionPut1024 = "01ef25a885d8773d01022f78018008ab0100ffffffe960abababababab"
	capCompressionClose   = "000300"

	// capLowLatencyInitSyn: lowlatency on and QoS off on both.
	capLowLatencyInitSyn = "c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f0ac8ffc2059d9bcbd508852701"

	// capJoin*: UDP datagrams a zenoh 1.10.2 peer (zid a1b2c3d4e5f60718) listening on
	// udp/224.0.0.225:17470#iface=lo sent to the group.
	capJoin         = "a709711807f6e5d4c3b2a10a9eeebb07faa281522701"
	capJoinQoS      = "8709711807f6e5d4c3b2a1c4130000d14081f4c86894a18637fb83d162d4d2ab3885c0fa239a9ce865a7d89728b688c40eb7c2a7329eb7e763d08bf16e87f9fa5881fba50ee8d4fe1082b3b343aede8f1c2701"
	capJoinQoSPut   = "25d08bf16e7d000664656d6f2f6a01020102"
	capMulticastPut = "259eeebb077d000664656d6f2f6a01020102"
)
