//go:build !race

package routing

// raceEnabled tells allocation tests that sync.Pool drops items under the race detector.
const raceEnabled = false
