// Package interop drives real Zenoh (the eclipse-zenoh Python package, which wraps the Rust
// implementation) as subprocesses, so that gozenoh is tested against the reference rather than
// against itself.
//
// Tests in this directory need python3 with eclipse-zenoh==1.10.2 (see requirements.txt;
// `make test` installs it). When the environment variable CI is set, a missing interpreter or
// package fails the test; on a developer machine it skips with the reason.
package interop

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// WantZenohVersion is the eclipse-zenoh release the interop tests are pinned to.
const WantZenohVersion = "1.10.2"

var (
	pyOnce sync.Once
	pyPath string
	pyErr  string
)

// Python returns the path of a python3 interpreter that can import zenoh at WantZenohVersion.
// Without one, it fails the test when CI is set and skips it otherwise.
func Python(t testing.TB) string {
	t.Helper()
	pyOnce.Do(func() {
		name := os.Getenv("PYTHON")
		if name == "" {
			name = "python3"
		}
		p, err := exec.LookPath(name)
		if err != nil {
			pyErr = "no " + name + " on PATH: " + err.Error()
			return
		}
		out, err := exec.Command(p, "-c", "import importlib.metadata as m; print(m.version('eclipse-zenoh'))").CombinedOutput()
		if err != nil {
			pyErr = "eclipse-zenoh is not importable by " + p + ": " + strings.TrimSpace(string(out))
			return
		}
		if v := strings.TrimSpace(string(out)); v != WantZenohVersion {
			pyErr = "eclipse-zenoh " + v + " installed, want " + WantZenohVersion + " (pip install -r interop/requirements.txt)"
			return
		}
		pyPath = p
	})
	if pyPath == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("interop: real Zenoh unavailable in CI: %s", pyErr)
		}
		t.Skipf("interop: real Zenoh unavailable outside CI (set up with `make interop-deps`): %s", pyErr)
	}
	return pyPath
}
