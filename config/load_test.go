package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestConfigLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "zenoh.json5")
	if err := os.WriteFile(p, []byte(stalwartExample), 0o600); err != nil {
		t.Fatal(err)
	}
	c, w, err := Load(p)
	if err != nil || c.Mode != ModePeer || !w.Has(WarnBareWord, "mode") {
		t.Fatalf("Load = %v, %v, %v", c.Mode, w, err)
	}

	big := filepath.Join(dir, "big.json5")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxDocumentSize+1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(big); !errors.Is(err, ErrLimit) {
		t.Errorf("Load of a file over MaxDocumentSize: %v", err)
	}

	yaml := filepath.Join(dir, "zenoh.yaml")
	if err := os.WriteFile(yaml, []byte("mode: peer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(yaml); !errors.Is(err, ErrSyntax) {
		t.Errorf("Load of YAML: %v", err)
	}

	if _, _, err := Load(filepath.Join(dir, "missing.json5")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}

	bad := filepath.Join(dir, "bad.json5")
	if err := os.WriteFile(bad, []byte("{\n  scouting: {\n    multicast: {ttl: 300},\n  },\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = Load(bad)
	var e *Error
	if !errors.As(err, &e) || e.Path != "scouting/multicast/ttl" || e.Line != 3 {
		t.Errorf("Load of a bad file: %v", err)
	}
}
