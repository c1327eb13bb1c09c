// Package bench holds the end-to-end benchmarks of the public API (the code is in its test
// files; there is nothing to import):
//
//   - BenchmarkThroughputGo: publisher → subscriber between two Go sessions in one process over
//     loopback TCP, at 8 B, 1 KiB, 64 KiB and 1 MiB (msgs/s delivered to the callback).
//   - BenchmarkThroughputGoProcess: the same with the subscriber in another process (the test
//     binary re-executed).
//   - BenchmarkPingPongGo: round trip of a 64-byte sample between two Go sessions (median and
//     p99 in µs); BenchmarkPingPongSession is the transport layer's floor and
//     BenchmarkPingPongTCP a bare Go TCP ping-pong, for reference.
//   - BenchmarkThroughputZenohPython and BenchmarkPingPongZenohPython: the same measurements
//     between two real Zenoh processes (eclipse-zenoh from Python, see zbench.py), for
//     reference; they need the interop environment (interop.Python).
//
// Run them with: go test -run '^$' -bench . -benchtime 2s ./bench/
package bench
