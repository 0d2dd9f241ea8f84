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
// node_modules was installed after package-lock.json last changed (npm writes
// node_modules/.package-lock.json on every install; .ci/run installs before go test).
func npmInstall(t *testing.T) {
	t.Helper()
	lock, err := os.Stat(filepath.Join(tsClientDir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if installed, err := os.Stat(filepath.Join(tsClientDir, "node_modules", ".package-lock.json")); err == nil && !installed.ModTime().Before(lock.ModTime()) {
		return
	}
	npm(t, "", nil, "ci", "--no-audit", "--no-fund")
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

	// docs/clients.md's TypeScript snippets, in a copy of what a fresh clone holds, with no Go on
	// PATH: install and generate (the result must equal the committed src/gen), then compile and
	// run the Node and browser (connect-web over fetch) examples against a facade.
	t.Run("fresh clone without Go: docs/clients.md", func(t *testing.T) {
		tmp := t.TempDir()
		for _, p := range []string{"proto", "buf.yaml", "clients/ts/package.json", "clients/ts/package-lock.json",
			"clients/ts/buf.gen.yaml", "clients/ts/tsconfig.json", "clients/ts/src", "clients/ts/test"} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(tmp, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			runIn(t, "../..", nil, "cp", "-r", p, filepath.Join(tmp, p))
		}
		noGo := []string{"PATH=" + pathWithoutGo(t)}
		r := start(t, nil, "--sandbox-rate-limits=false")
		runIn(t, tmp, noGo, "bash", "-euo", "pipefail", "-c", snippet(t, "ts/install.sh", r.url))
		compareTrees(t, filepath.Join(tmp, "clients/ts/src/gen"), filepath.Join(tsClientDir, "src", "gen"))

		pkg := filepath.Join(tmp, "clients/ts")
		doc := filepath.Join(pkg, "doc")
		files := map[string]string{
			"call.ts":    snippet(t, "ts/call.ts", r.url),
			"browser.ts": snippet(t, "browser/call.ts", r.url),
			// The browser example is compiled against the DOM's types too.
			"tsconfig.json": `{"extends": "../tsconfig.json", "compilerOptions": {"lib": ["ES2022", "DOM"], "rootDir": ".", "outDir": "out"}, "include": ["*.ts"]}`,
		}
		if err := os.MkdirAll(doc, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(doc, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		runIn(t, pkg, noGo, "npx", "tsc", "-p", "doc")
		out := runIn(t, pkg, noGo, "node", "doc/out/call.js")
		wantLines(t, out, `^record `+adaID+`$`, `^streamed [1-9][0-9]*$`, `^5 attio.com \S+$`, `^needs approval: .*DeleteRecord`, `^deleted [0-9a-f-]{36}$`)
		out = runIn(t, pkg, noGo, "node", "doc/out/browser.js")
		wantLines(t, out, `^record `+adaID+`$`)
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
