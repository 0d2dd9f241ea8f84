package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readmeScript turns README.md's shell blocks into one bash script: every grpcurl, curl, attio-facade
// and TOKEN= line (continuations joined) in order. A command followed by a "#   Code: X" comment is expected
// to fail with X; an approval id it prints is kept in $ID, which replaces the <id> placeholders.
func readmeScript(t *testing.T) (script string, commands int) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var out strings.Builder
	out.WriteString("set -euo pipefail\n")
	inShell := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "```sh"):
			inShell = true
			continue
		case strings.HasPrefix(line, "```"):
			inShell = false
			continue
		}
		if !inShell || !(strings.HasPrefix(line, "grpcurl ") || strings.HasPrefix(line, "curl ") || strings.HasPrefix(line, "TOKEN=") || strings.HasPrefix(line, "attio-facade ")) {
			continue
		}
		// A command goes on after a trailing backslash, and inside an open single quote (a JSON
		// body over several lines), where the newline stays part of the argument.
		cmd := ""
		for ; i < len(lines); i++ {
			cmd += strings.TrimSuffix(lines[i], "\\")
			if strings.HasSuffix(lines[i], "\\") {
				continue
			}
			if strings.Count(cmd, "'")%2 == 0 {
				break
			}
			cmd += "\n"
		}
		if strings.HasPrefix(cmd, "attio-facade ") {
			cmd, _, _ = strings.Cut(cmd, " #") // a trailing comment would swallow $( )'s parenthesis
		}
		// <id> sits inside single-quoted JSON: close the quote around the variable.
		cmd = strings.ReplaceAll(cmd, "<id>", `'"$ID"'`)
		commands++
		if i+1 < len(lines) && strings.Contains(lines[i+1], "Code: ") {
			code := strings.Fields(lines[i+1][strings.Index(lines[i+1], "Code: ")+len("Code: "):])[0]
			fmt.Fprintf(&out, "if out=$(%s 2>&1); then echo 'expected %s'; exit 1; fi\n", cmd, code)
			fmt.Fprintf(&out, "grep -q 'Code: %s' <<<\"$out\"\n", code)
			out.WriteString(`ID=$(grep -o '"approvalId": "[^"]*"' <<<"$out" | cut -d'"' -f4 || true)` + "\n")
			continue
		}
		if strings.HasPrefix(cmd, "TOKEN=") {
			out.WriteString(cmd + "\ntest -n \"$TOKEN\"\n")
			continue
		}
		fmt.Fprintf(&out, "out=$(%s)\ntest -n \"$out\"\n", cmd)
	}
	return out.String(), commands
}

// The README's grpcurl and curl calls, the approval walk-through included (and the admin
// listener's /metrics and /readyz), work as written against `go run ./cmd/attio-facade`.
func TestReadmeCommandsWork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds grpcurl from tools/go.mod")
	}
	t.Parallel()
	script, n := readmeScript(t)
	if n < 8 {
		t.Fatalf("found only %d commands in README.md", n)
	}
	r := start(t, nil, "--sandbox-rate-limits=false")
	addr := strings.TrimPrefix(r.url, "http://")
	script = strings.ReplaceAll(script, "127.0.0.1:9090", strings.TrimPrefix(r.admin, "http://")) // the admin listener
	tools, _ := filepath.Abs("../../tools/go.mod")
	script = `grpcurl() { go tool -modfile="` + tools + `" grpcurl "$@"; }` + "\n" +
		`attio-facade() { "` + binary + `" "$@"; }` + "\n" + strings.ReplaceAll(script, "127.0.0.1:8080", addr)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute) // the first run builds grpcurl
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s\nscript:\n%s", err, out, script)
	}
}
