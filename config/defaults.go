package config

import (
	"net/netip"
	"runtime"
)

// Zenoh 1.x's built-in defaults (commons/zenoh-config/src/defaults.rs and the Default impls of
// its configuration structs), for the keys where Zenoh leaves the value unset.
var (
	defaultMulticastAddress = netip.MustParseAddrPort("224.0.0.224:7446")
	allModes                = MatcherOf(ModeRouter, ModePeer, ModeClient)
)

// DefaultConfig returns Zenoh 1.x's default configuration for a peer, with every default that
// Zenoh applies to an unset key made explicit.
func DefaultConfig() Config {
	return Config{
		Mode:     ModePeer,
		Metadata: "null",
		Gateway:  GatewayConfig{South: "null"},
		Connect:  defaultConnect(),
		Listen:   defaultListen(),
		Open:     OpenConfig{ReturnConditions: ReturnConditionsConfig{ConnectScouted: true, Declares: true}},
		Scouting: defaultScouting(),
		Timestamping: TimestampingConfig{
			Enabled: PerMode[bool]().With(ModeRouter, true).With(ModePeer, false).With(ModeClient, false),
		},
		QueriesDefaultTimeoutMS: 10000,
		Routing: RoutingConfig{
			Router:    RouterRoutingConfig{Linkstate: LinkstateConfig{TransportWeights: "[]"}},
			Interests: InterestsConfig{TimeoutMS: 10000},
		},
		Aggregation:    `{"publishers":[],"subscribers":[]}`,
		QoS:            `{"network":[],"publication":[]}`,
		Transport:      defaultTransport(),
		AdminSpace:     AdminSpaceConfig{Permissions: AdminPermissionsConfig{Read: true}},
		Downsampling:   "[]",
		AccessControl:  `{"default_permission":"deny","enabled":false,"policies":null,"rules":null,"subjects":null}`,
		LowPassFilter:  "[]",
		Stats:          `{"filters":[]}`,
		PluginsLoading: `{"enabled":false,"search_dirs":[{"kind":"current_exe_parent","value":null},".","~/.zenoh/lib","/opt/homebrew/lib","/usr/local/lib","/usr/lib"]}`,
		Plugins:        "{}",
	}
}

func defaultRetry() RetryConfig {
	return RetryConfig{
		PeriodInitMS:         Unique[int64](1000),
		PeriodMaxMS:          Unique[int64](4000),
		PeriodIncreaseFactor: Unique(2.0),
	}
}

func defaultConnect() ConnectConfig {
	return ConnectConfig{
		TimeoutMS:     PerMode[int64]().With(ModeRouter, -1).With(ModePeer, -1).With(ModeClient, 0),
		Endpoints:     Unique[[]EndPointGroup](nil),
		ExitOnFailure: PerMode[bool]().With(ModeRouter, false).With(ModePeer, false).With(ModeClient, true),
		Retry:         defaultRetry(),
	}
}

func defaultListen() ListenConfig {
	return ListenConfig{
		TimeoutMS: Unique[int64](0),
		Endpoints: PerMode[[]EndPoint]().
			With(ModeRouter, []EndPoint{"tcp/[::]:7447"}).
			With(ModePeer, []EndPoint{"tcp/[::]:0"}),
		ExitOnFailure: Unique(true),
		Retry:         defaultRetry(),
	}
}

func defaultScouting() ScoutingConfig {
	autoconnect := PerMode[WhatAmIMatcher]().With(ModeRouter, 0).With(ModePeer, allModes).With(ModeClient, allModes)
	return ScoutingConfig{
		TimeoutMS: 3000,
		DelayMS:   500,
		Multicast: MulticastScoutingConfig{
			Enabled:             true,
			Address:             defaultMulticastAddress,
			Interface:           "auto",
			TTL:                 1,
			Autoconnect:         autoconnect,
			AutoconnectStrategy: UniqueStrategy(StrategyAlways),
			Listen:              Unique(true),
		},
		Gossip: GossipScoutingConfig{
			Enabled:  true,
			Multihop: false,
			Target: PerMode[WhatAmIMatcher]().
				With(ModeRouter, MatcherOf(ModeRouter, ModePeer)).
				With(ModePeer, MatcherOf(ModeRouter, ModePeer)).
				With(ModeClient, 0),
			Autoconnect:         autoconnect,
			AutoconnectStrategy: UniqueStrategy(StrategyAlways),
		},
	}
}

func defaultTransport() TransportConfig {
	return TransportConfig{
		Unicast: UnicastTransportConfig{
			OpenTimeoutMS:   10000,
			AcceptTimeoutMS: 10000,
			AcceptPending:   100,
			MaxSessions:     1000,
			MaxLinks:        1,
			QoS:             EnabledConfig{Enabled: true},
		},
		Multicast: MulticastTransportConfig{JoinIntervalMS: 2500, MaxSessions: 1000},
		Link: LinkConfig{
			TX: LinkTxConfig{
				SequenceNumberResolution: Bits32,
				LeaseMS:                  10000,
				KeepAlive:                4,
				BatchSize:                65535,
				Queue: QueueConfig{
					Size: QueueSizeConfig{Control: 2, RealTime: 2, InteractiveHigh: 2, InteractiveLow: 2,
						DataHigh: 2, Data: 2, DataLow: 2, Background: 2},
					CongestionControl: CongestionControlConfig{
						Drop:  DropConfig{WaitBeforeDropUS: 1000, MaxWaitBeforeDropFragmentsUS: 50000},
						Block: BlockConfig{WaitBeforeCloseUS: 5000000},
					},
					Batching:   BatchingConfig{Enabled: true, TimeLimitMS: 1},
					Allocation: AllocationConfig{Mode: "lazy"},
				},
				Threads: 1 + (runtime.NumCPU()-1)/4,
			},
			RX: LinkRxConfig{BufferSize: 65535, MaxMessageSize: 1 << 30},
		},
		SharedMemory: SharedMemoryConfig{
			Enabled: true,
			Mode:    "lazy",
			TransportOptimization: TransportOptimizationConfig{
				Enabled:              true,
				PoolSize:             16 << 20,
				MessageSizeThreshold: 3072,
				Messages:             []string{"put", "query", "reply"},
			},
		},
	}
}
