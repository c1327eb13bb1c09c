package config

import "net/netip"

// Config is a Zenoh configuration. Its fields follow the keys and nesting of Zenoh 1.x's
// DEFAULT_CONFIG.json5; each field's tag names its key. Start from DefaultConfig: the zero Config
// is not a valid configuration.
//
// Where Zenoh leaves a key unset (null) and applies a built-in default, Config holds that default
// explicitly, so a value read from Config is the value Zenoh would use.
type Config struct {
	// ID is the Zenoh ID; empty means a random one is drawn when the session opens.
	ID ZenohID `json5:"id,null"`
	// Metadata is free-form JSON published in the admin space (null by default).
	Metadata Raw `json5:"metadata"`
	// Mode is router, peer (default) or client.
	Mode Mode `json5:"mode,null"`
	// RegionName is the region of the node; empty means none.
	RegionName RegionName `json5:"region_name,null"`
	// Gateway configures region gateways.
	Gateway GatewayConfig `json5:"gateway"`
	// Connect lists the endpoints to connect to.
	Connect ConnectConfig `json5:"connect"`
	// Listen lists the endpoints to listen on.
	Listen ListenConfig `json5:"listen"`
	// Open configures when opening a session returns.
	Open OpenConfig `json5:"open"`
	// Scouting configures discovery.
	Scouting ScoutingConfig `json5:"scouting"`
	// Timestamping configures timestamping of data messages.
	Timestamping TimestampingConfig `json5:"timestamping"`
	// QueriesDefaultTimeoutMS is the default query timeout, in ms (default 10000).
	QueriesDefaultTimeoutMS uint64 `json5:"queries_default_timeout,null"`
	// Routing configures routing.
	Routing RoutingConfig `json5:"routing"`
	// Aggregation (kept as written) lists key expressions whose declarations are aggregated.
	Aggregation Raw `json5:"aggregation,raw=object"`
	// QoS (kept as written) overwrites QoS by key expression.
	QoS Raw `json5:"qos,raw=object"`
	// Transport configures sessions and links.
	Transport TransportConfig `json5:"transport"`
	// AdminSpace configures the admin space.
	AdminSpace AdminSpaceConfig `json5:"adminspace"`
	// Namespace prefixes every key expression of the session; empty means none.
	Namespace Namespace `json5:"namespace,null"`
	// Downsampling (kept as written) configures downsampling rules.
	Downsampling Raw `json5:"downsampling,raw=array"`
	// AccessControl (kept as written) configures access control.
	AccessControl Raw `json5:"access_control,raw=object"`
	// LowPassFilter (kept as written) configures message size filters.
	LowPassFilter Raw `json5:"low_pass_filter,raw=array"`
	// Stats (kept as written) configures per-key statistics.
	Stats Raw `json5:"stats,raw=object"`
	// PluginsLoading (kept as written) configures plugin loading.
	PluginsLoading Raw `json5:"plugins_loading,raw=object"`
	// Plugins (kept as written) holds the plugins' configurations.
	Plugins Raw `json5:"plugins"`
}

// GatewayConfig is gateway.
type GatewayConfig struct {
	// South is null (Zenoh's "auto"), "auto", or a list of explicit south configurations, kept
	// as written.
	South Raw `json5:"south"`
}

func (g *GatewayConfig) validate() (string, error) {
	if g.South == "" || g.South == "null" || g.South == `"auto"` || g.South[0] == '[' {
		return "", nil
	}
	return "south", errStr("expected \"auto\" or a list, not " + string(g.South))
}

// ConnectConfig is connect.
type ConnectConfig struct {
	// TimeoutMS bounds the whole connect phase, in ms; negative means no bound.
	TimeoutMS ModeValue[int64] `json5:"timeout_ms,null"`
	// Endpoints are the endpoints (or groups of endpoints) to connect to.
	Endpoints ModeValue[[]EndPointGroup] `json5:"endpoints"`
	// ExitOnFailure makes a failed connect phase fail the session open.
	ExitOnFailure ModeValue[bool] `json5:"exit_on_failure,null"`
	// Retry configures the retry period.
	Retry RetryConfig `json5:"retry,null"`
}

// ListenConfig is listen.
type ListenConfig struct {
	// TimeoutMS bounds the whole listen phase, in ms; negative means no bound.
	TimeoutMS ModeValue[int64] `json5:"timeout_ms,null"`
	// Endpoints are the endpoints to listen on.
	Endpoints ModeValue[[]EndPoint] `json5:"endpoints"`
	// ExitOnFailure makes a failed listen phase fail the session open.
	ExitOnFailure ModeValue[bool] `json5:"exit_on_failure,null"`
	// Retry configures the retry period.
	Retry RetryConfig `json5:"retry,null"`
}

// RetryConfig is connect/retry and listen/retry. A mode absent from a per-mode value takes
// Zenoh's default (1000, 4000, 2).
type RetryConfig struct {
	// PeriodInitMS is the first retry period, in ms; negative means never retry, 0 at once.
	PeriodInitMS ModeValue[int64] `json5:"period_init_ms,null"`
	// PeriodMaxMS caps the retry period, in ms; 0 or negative means no cap.
	PeriodMaxMS ModeValue[int64] `json5:"period_max_ms,null"`
	// PeriodIncreaseFactor multiplies the period after each retry.
	PeriodIncreaseFactor ModeValue[float64] `json5:"period_increase_factor,null"`
}

// OpenConfig is open.
type OpenConfig struct {
	ReturnConditions ReturnConditionsConfig `json5:"return_conditions"`
}

// ReturnConditionsConfig is open/return_conditions.
type ReturnConditionsConfig struct {
	// ConnectScouted makes open wait for connections to scouted nodes (default true).
	ConnectScouted bool `json5:"connect_scouted,null"`
	// Declares makes open wait for the initial declarations of connected peers (default true).
	Declares bool `json5:"declares,null"`
}

// ScoutingConfig is scouting.
type ScoutingConfig struct {
	// TimeoutMS is how long a client scouts for a router before failing, in ms (default 3000).
	TimeoutMS uint64 `json5:"timeout,null"`
	// DelayMS is how long a peer scouts before going on, in ms (default 500).
	DelayMS uint64 `json5:"delay,null"`
	// Multicast configures UDP multicast scouting.
	Multicast MulticastScoutingConfig `json5:"multicast"`
	// Gossip configures gossip scouting.
	Gossip GossipScoutingConfig `json5:"gossip"`
}

// MulticastScoutingConfig is scouting/multicast.
type MulticastScoutingConfig struct {
	// Enabled turns multicast scouting on (default true).
	Enabled bool `json5:"enabled,null"`
	// Address is the multicast group and port (default 224.0.0.224:7446).
	Address netip.AddrPort `json5:"address,null"`
	// Interface is the network interface, or "auto" (default).
	Interface string `json5:"interface,null"`
	// TTL is the time-to-live of scouting packets (default 1, at most 255).
	TTL uint32 `json5:"ttl,null,max=255"`
	// Autoconnect is the set of modes to connect to when discovered.
	Autoconnect ModeValue[WhatAmIMatcher] `json5:"autoconnect,null"`
	// AutoconnectStrategy decides which side of a pair connects.
	AutoconnectStrategy AutoconnectStrategy `json5:"autoconnect_strategy,null"`
	// Listen makes the node answer scout messages (default true).
	Listen ModeValue[bool] `json5:"listen,null"`
}

func (m *MulticastScoutingConfig) validate() (string, error) {
	if a := m.Address.Addr(); m.Address.IsValid() && !a.Unmap().IsMulticast() {
		return "address", errStr(m.Address.String() + " is not a multicast address")
	}
	return "", nil
}

// GossipScoutingConfig is scouting/gossip.
type GossipScoutingConfig struct {
	// Enabled turns gossip scouting on (default true).
	Enabled bool `json5:"enabled,null"`
	// Multihop propagates gossip beyond the next hop (default false).
	Multihop bool `json5:"multihop,null"`
	// Target is the set of modes gossip is sent to.
	Target ModeValue[WhatAmIMatcher] `json5:"target,null"`
	// Autoconnect is the set of modes to connect to when learnt by gossip.
	Autoconnect ModeValue[WhatAmIMatcher] `json5:"autoconnect,null"`
	// AutoconnectStrategy decides which side of a pair connects.
	AutoconnectStrategy AutoconnectStrategy `json5:"autoconnect_strategy,null"`
}

// TimestampingConfig is timestamping.
type TimestampingConfig struct {
	// Enabled timestamps data messages that have no timestamp.
	Enabled ModeValue[bool] `json5:"enabled,null"`
	// DropFutureTimestamp drops messages timestamped in the future instead of re-stamping them.
	DropFutureTimestamp bool `json5:"drop_future_timestamp,null"`
}

// RoutingConfig is routing. The deprecated keys routing/peer and
// routing/router/peers_failover_brokering are accepted and ignored, as in Zenoh.
type RoutingConfig struct {
	Router    RouterRoutingConfig `json5:"router"`
	Interests InterestsConfig     `json5:"interests"`
}

// RouterRoutingConfig is routing/router.
type RouterRoutingConfig struct {
	Linkstate LinkstateConfig `json5:"linkstate"`
}

// LinkstateConfig is routing/router/linkstate.
type LinkstateConfig struct {
	// TransportWeights (kept as written) lists {dst_zid, weight} link weights.
	TransportWeights Raw `json5:"transport_weights,raw=array"`
}

// InterestsConfig is routing/interests.
type InterestsConfig struct {
	// TimeoutMS is how long to wait for interest replies, in ms (default 10000).
	TimeoutMS uint64 `json5:"timeout,null"`
}

// TransportConfig is transport.
type TransportConfig struct {
	Unicast      UnicastTransportConfig   `json5:"unicast"`
	Multicast    MulticastTransportConfig `json5:"multicast"`
	Link         LinkConfig               `json5:"link"`
	SharedMemory SharedMemoryConfig       `json5:"shared_memory"`
	Auth         AuthConfig               `json5:"auth"`
}

// UnicastTransportConfig is transport/unicast.
type UnicastTransportConfig struct {
	// OpenTimeoutMS bounds opening a link, in ms (default 10000).
	OpenTimeoutMS uint64 `json5:"open_timeout"`
	// AcceptTimeoutMS bounds accepting a link, in ms (default 10000).
	AcceptTimeoutMS uint64 `json5:"accept_timeout"`
	// AcceptPending is the number of links that may be pending in the accept phase (default 100).
	AcceptPending int `json5:"accept_pending"`
	// MaxSessions is the maximum number of unicast sessions (default 1000).
	MaxSessions int `json5:"max_sessions"`
	// MaxLinks is the maximum number of links per session (default 1).
	MaxLinks int `json5:"max_links"`
	// LowLatency enables the low-latency transport (default false).
	LowLatency  bool          `json5:"lowlatency"`
	QoS         EnabledConfig `json5:"qos"`
	Compression EnabledConfig `json5:"compression"`
}

// EnabledConfig is a section with a single enabled flag (qos, compression).
type EnabledConfig struct {
	Enabled bool `json5:"enabled"`
}

// MulticastTransportConfig is transport/multicast.
type MulticastTransportConfig struct {
	// JoinIntervalMS is the period of Join messages, in ms (default 2500).
	JoinIntervalMS uint64 `json5:"join_interval,null"`
	// MaxSessions is the maximum number of multicast sessions (default 1000).
	MaxSessions int           `json5:"max_sessions,null"`
	QoS         EnabledConfig `json5:"qos"`
	Compression EnabledConfig `json5:"compression"`
}

// LinkConfig is transport/link.
type LinkConfig struct {
	// Protocols whitelists link protocols; nil (null) allows all.
	Protocols []string       `json5:"protocols,null"`
	TX        LinkTxConfig   `json5:"tx"`
	RX        LinkRxConfig   `json5:"rx"`
	TLS       TLSConfig      `json5:"tls"`
	TCP       TCPConfig      `json5:"tcp"`
	UnixPipe  UnixPipeConfig `json5:"unixpipe"`
}

// LinkTxConfig is transport/link/tx.
type LinkTxConfig struct {
	// SequenceNumberResolution is the resolution of sequence numbers (default 32bit).
	SequenceNumberResolution Bits `json5:"sequence_number_resolution"`
	// LeaseMS is the link lease, in ms (default 10000; at least 1).
	LeaseMS uint64 `json5:"lease,min=1"`
	// KeepAlive is the number of keep-alives per lease (default 4; at least 1).
	KeepAlive int `json5:"keep_alive,min=1"`
	// BatchSize is the largest batch, in bytes (default 65535; 1 to 65535).
	BatchSize uint16      `json5:"batch_size,min=1"`
	Queue     QueueConfig `json5:"queue"`
	// Threads is the number of transmission threads (default 1 + (CPUs-1)/4).
	Threads int `json5:"threads"`
}

// QueueConfig is transport/link/tx/queue.
type QueueConfig struct {
	Size              QueueSizeConfig         `json5:"size"`
	CongestionControl CongestionControlConfig `json5:"congestion_control"`
	Batching          BatchingConfig          `json5:"batching"`
	Allocation        AllocationConfig        `json5:"allocation"`
}

// QueueSizeConfig is transport/link/tx/queue/size: batches per priority queue, 1 to 16.
type QueueSizeConfig struct {
	Control         int `json5:"control,min=1,max=16"`
	RealTime        int `json5:"real_time,min=1,max=16"`
	InteractiveHigh int `json5:"interactive_high,min=1,max=16"`
	InteractiveLow  int `json5:"interactive_low,min=1,max=16"`
	DataHigh        int `json5:"data_high,min=1,max=16"`
	Data            int `json5:"data,min=1,max=16"`
	DataLow         int `json5:"data_low,min=1,max=16"`
	Background      int `json5:"background,min=1,max=16"`
}

// CongestionControlConfig is transport/link/tx/queue/congestion_control.
type CongestionControlConfig struct {
	Drop  DropConfig  `json5:"drop"`
	Block BlockConfig `json5:"block"`
}

// DropConfig is transport/link/tx/queue/congestion_control/drop (times in µs).
type DropConfig struct {
	// WaitBeforeDropUS is how long a droppable message waits for a batch, in µs (default 1000).
	WaitBeforeDropUS int64 `json5:"wait_before_drop"`
	// MaxWaitBeforeDropFragmentsUS bounds the wait of a fragmented message, in µs (default 50000).
	MaxWaitBeforeDropFragmentsUS int64 `json5:"max_wait_before_drop_fragments"`
}

// BlockConfig is transport/link/tx/queue/congestion_control/block (times in µs).
type BlockConfig struct {
	// WaitBeforeCloseUS is how long a blocking message waits before the session is closed, in µs
	// (default 5000000).
	WaitBeforeCloseUS int64 `json5:"wait_before_close"`
}

// BatchingConfig is transport/link/tx/queue/batching.
type BatchingConfig struct {
	// Enabled batches small messages under back-pressure (default true).
	Enabled bool `json5:"enabled"`
	// TimeLimitMS is the longest a message is held for batching, in ms (default 1).
	TimeLimitMS uint64 `json5:"time_limit"`
}

// AllocationConfig is transport/link/tx/queue/allocation.
type AllocationConfig struct {
	// Mode is "lazy" (default) or "init".
	Mode string `json5:"mode,enum=init|lazy"`
}

// LinkRxConfig is transport/link/rx.
type LinkRxConfig struct {
	// BufferSize is the receive buffer per link, in bytes (default 65535).
	BufferSize int `json5:"buffer_size"`
	// MaxMessageSize is the largest reassembled message, in bytes (default 1 GiB).
	MaxMessageSize int `json5:"max_message_size"`
}

// TLSConfig is transport/link/tls. Nil fields are unset (Zenoh's TLS defaults apply).
type TLSConfig struct {
	RootCACertificate        *string `json5:"root_ca_certificate"`
	ListenPrivateKey         *string `json5:"listen_private_key"`
	ListenCertificate        *string `json5:"listen_certificate"`
	EnableMTLS               *bool   `json5:"enable_mtls"`
	ConnectPrivateKey        *string `json5:"connect_private_key"`
	ConnectCertificate       *string `json5:"connect_certificate"`
	VerifyNameOnConnect      *bool   `json5:"verify_name_on_connect"`
	CloseLinkOnExpiration    *bool   `json5:"close_link_on_expiration"`
	SoSndbuf                 *uint32 `json5:"so_sndbuf"`
	SoRcvbuf                 *uint32 `json5:"so_rcvbuf"`
	RootCACertificateBase64  *string `json5:"root_ca_certificate_base64"`
	ListenPrivateKeyBase64   *string `json5:"listen_private_key_base64"`
	ListenCertificateBase64  *string `json5:"listen_certificate_base64"`
	ConnectPrivateKeyBase64  *string `json5:"connect_private_key_base64"`
	ConnectCertificateBase64 *string `json5:"connect_certificate_base64"`
}

// TCPConfig is transport/link/tcp.
type TCPConfig struct {
	SoSndbuf *uint32 `json5:"so_sndbuf"`
	SoRcvbuf *uint32 `json5:"so_rcvbuf"`
}

// UnixPipeConfig is transport/link/unixpipe.
type UnixPipeConfig struct {
	FileAccessMask *uint32 `json5:"file_access_mask"`
}

// SharedMemoryConfig is transport/shared_memory.
type SharedMemoryConfig struct {
	Enabled               bool                        `json5:"enabled"`
	Mode                  string                      `json5:"mode,enum=init|lazy"`
	TransportOptimization TransportOptimizationConfig `json5:"transport_optimization"`
}

// TransportOptimizationConfig is transport/shared_memory/transport_optimization.
type TransportOptimizationConfig struct {
	Enabled              bool     `json5:"enabled"`
	PoolSize             int      `json5:"pool_size,min=1"`
	MessageSizeThreshold int      `json5:"message_size_threshold"`
	Messages             []string `json5:"messages,enum=put|delete|query|reply"`
}

// AuthConfig is transport/auth.
type AuthConfig struct {
	UsrPwd UsrPwdConfig `json5:"usrpwd"`
	PubKey PubKeyConfig `json5:"pubkey"`
}

// UsrPwdConfig is transport/auth/usrpwd: user and password are given together or not at all.
type UsrPwdConfig struct {
	User           *string `json5:"user"`
	Password       *string `json5:"password"`
	DictionaryFile *string `json5:"dictionary_file"`
}

func (u *UsrPwdConfig) validate() (string, error) {
	if (u.User == nil) != (u.Password == nil) {
		return "", errStr("user and password must be given together, or not at all")
	}
	return "", nil
}

// PubKeyConfig is transport/auth/pubkey.
type PubKeyConfig struct {
	PublicKeyPEM   *string `json5:"public_key_pem"`
	PrivateKeyPEM  *string `json5:"private_key_pem"`
	PublicKeyFile  *string `json5:"public_key_file"`
	PrivateKeyFile *string `json5:"private_key_file"`
	KeySize        *int    `json5:"key_size"`
	KnownKeysFile  *string `json5:"known_keys_file"`
}

// AdminSpaceConfig is adminspace.
type AdminSpaceConfig struct {
	Enabled     bool                   `json5:"enabled"`
	Permissions AdminPermissionsConfig `json5:"permissions"`
}

// AdminPermissionsConfig is adminspace/permissions.
type AdminPermissionsConfig struct {
	Read  bool `json5:"read"`
	Write bool `json5:"write"`
}
