// Package config is Zenoh's JSON5 configuration: a typed Config with Zenoh 1.x's defaults, a
// parser that accepts the configuration files real Zenoh accepts, and a writer whose output real
// Zenoh reads back unchanged.
//
// The key names and nesting are those of Zenoh's DEFAULT_CONFIG.json5, so a Zenoh user's file
// works unchanged. Values whose default depends on the node mode are ModeValue: one plain value,
// or a {router: …, peer: …, client: …} map. Keys(), Get and Insert address keys by their
// "/"-separated path, as Zenoh's get_json and insert_json5 do.
//
// The JSON5 grammar is that of the Rust json5 crate Zenoh uses (comments, trailing commas,
// single quotes, hexadecimal, Unicode white space and identifiers, \x, \0 and \v escapes), and
// numbers are read as Zenoh reads them for each key. Parse is deliberately more lenient than
// Zenoh in a few documented ways, each reported as a Warning: unknown keys (Zenoh rejects the
// file), bare words where a string is expected (`mode: peer`, which no JSON5 parser accepts), and
// the legacy "router|peer" form of autoconnect; sections it keeps as written (Raw) are not
// validated. It is stricter where Zenoh silently truncates or saturates a number (`lease: -5` is
// 0 in Zenoh), where a value is accepted but cannot work (a unicast scouting address, a TTL above
// 255, a zero lease), for serde's array form of an object, and for identifier characters newer
// than Go's Unicode tables. interop/config_diff_test.go lists these and checks each against real
// Zenoh.
//
// Durations stay in the units Zenoh uses (fields named …MS are milliseconds, …US microseconds);
// methods such as LinkTxConfig.Lease and Config.ConnectRetry return time.Duration values
// resolved for the configured mode.
package config
