//go:build race

package cluster_test

// raceEnabled tells allocation tests that sync.Pool drops items under the race detector.
const raceEnabled = true
