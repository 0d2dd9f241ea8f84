package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const tsClientDir = "../../clients/ts"

// nodeOrSkip finds node (20 or later) and npm. Without them the TypeScript client's tests skip on
// a developer's machine, and fail under CI (CI set), where .ci/run installs them.
func nodeOrSkip(t *testing.T) {
	t.Helper()
	missing := func(why string) {
		msg := "clients/ts: " + why + ": its tests need Node.js 20 or later and npm (apt-get install nodejs npm); CI installs them"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		missing("node not found")
	}
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(strings.TrimSpace(string(out)), "v"), ".", 2)[0])
	if major < 20 {
		missing("node " + strings.TrimSpace(string(out)) + " is too old")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		missing("npm not found")
	}
}

// npm runs npm in clients/ts with env added and PATH replaced by path when path is not empty.
func npm(t *testing.T, path string, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute) // only a hang reaches it
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = tsClientDir
	cmd.Env = append(os.Environ(), env...)
	if path != "" {
		cmd.Env = append(cmd.Env, "PATH="+path)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("npm %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// npmInstall runs `npm ci` (which also builds dist/ through the prepare script) unless
// node_modules already matches package-lock.json.
func npmInstall(t *testing.T) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(tsClientDir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	stamp := filepath.Join(tsClientDir, "node_modules", ".attio-facade-lock")
	if installed, err := os.ReadFile(stamp); err == nil && bytes.Equal(installed, lock) {
		return
	}
	npm(t, "", nil, "ci", "--no-audit", "--no-fund")
	if err := os.WriteFile(stamp, lock, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The TypeScript client works end to end: `npm test` in clients/ts (type-checks the package and
// its tests, then runs node:test suites over Connect, gRPC and gRPC-Web against this binary on
// the sandbox: unary calls, streams, error details and the approval flow with two principals).
func TestTypeScriptClient(t *testing.T) {
	if testing.Short() {
		t.Skip("installs clients/ts's npm packages")
	}
	nodeOrSkip(t)
	npmInstall(t)
	out := npm(t, "", []string{"ATTIO_FACADE_BIN=" + binary}, "test")
	m := regexp.MustCompile(`(?m)^# pass (\d+)$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "\n# fail 0\n") {
		t.Fatalf("npm test did not report its results:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 30 {
		t.Fatalf("npm test ran only %d tests:\n%s", n, out)
	}

	// The committed generated code is what `npm run generate` makes from proto/, with no Go on
	// PATH: a fresh clone needs only node and npm to regenerate it.
	t.Run("generated code is fresh, without Go", func(t *testing.T) {
		tmp := t.TempDir()
		npm(t, pathWithoutGo(t), nil, "run", "generate", "--", "-o", tmp)
		compareTrees(t, filepath.Join(tmp, "src", "gen"), filepath.Join(tsClientDir, "src", "gen"))
	})
}

// pathWithoutGo is PATH without the directories that hold a go binary.
func pathWithoutGo(t *testing.T) string {
	t.Helper()
	var keep []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			continue
		}
		keep = append(keep, dir)
	}
	path := strings.Join(keep, string(filepath.ListSeparator))
	cmd := exec.Command("sh", "-c", "command -v go")
	cmd.Env = []string{"PATH=" + path}
	if out, err := cmd.Output(); err == nil {
		t.Fatalf("go is still on the stripped PATH: %s", out)
	}
	return path
}

// compareTrees fails unless the two directories hold the same files with the same bytes.
func compareTrees(t *testing.T, fresh, committed string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		out := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[rel] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := files(fresh), files(committed)
	if len(a) == 0 {
		t.Fatalf("generation produced no files in %s", fresh)
	}
	for name, content := range a {
		if !bytes.Equal(content, b[name]) {
			t.Errorf("clients/ts/src/gen/%s is stale: run `npm run generate` in clients/ts and commit", name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			t.Errorf("clients/ts/src/gen/%s is no longer generated: run `npm run generate` in clients/ts and commit", name)
		}
	}
}
