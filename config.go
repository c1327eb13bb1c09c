package zenoh

import (
	"github.com/gozenoh/zenoh/config"
)

// Config is a Zenoh configuration, with the keys and defaults of Zenoh 1.x's
// DEFAULT_CONFIG.json5 (see package config).
type Config = config.Config

// DefaultConfig returns Zenoh's default configuration: a peer that listens on tcp/[::]:0 and
// discovers other nodes by multicast scouting (224.0.0.224:7446) and gossip.
func DefaultConfig() Config { return config.DefaultConfig() }

// ParseConfig parses a Zenoh JSON5 configuration document (unknown keys are reported as
// warnings, not errors; see config.Parse).
func ParseConfig(doc []byte) (Config, error) {
	c, _, err := config.Parse(doc)
	return c, err
}

// LoadConfig reads and parses a Zenoh JSON5 configuration file.
func LoadConfig(path string) (Config, error) {
	c, _, err := config.Load(path)
	return c, err
}
