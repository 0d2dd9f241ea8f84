package main

import (
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestHelpExitsZeroAndListsCommands(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		r := cli(t, "", nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		for _, c := range []string{"serve", "sandbox", "export", "health", "version"} {
			if !regexp.MustCompile(`(?m)^  ` + c + ` +\S.*$`).MatchString(r.stdout) {
				t.Errorf("%v: no one-line summary of %s in:\n%s", args, c, r.stdout)
			}
		}
	}
	for _, c := range []string{"serve", "sandbox", "export", "health", "version"} {
		for _, h := range []string{"-h", "--help"} {
			r := cli(t, "", nil, c, h)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "usage: attio-facade "+c) {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q", c, h, r.code, r.stdout, r.stderr)
			}
		}
	}
	if r := cli(t, "", nil, "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := cli(t, "", nil, "version")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"module:   github.com/attio-facade/attio-facade", "go:       " + runtime.Version(), "revision: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("version output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The revision comes from the build's VCS stamp when there is one.
	got := versionText(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "m", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}, {Key: "vcs.time", Value: "2026-11-29T10:00:00Z"}}})
	want := "attio-facade v1.2.3\nmodule:   m\nrevision: abc123 (modified), 2026-11-29T10:00:00Z\ngo:       go1.26.8\n"
	if got != want {
		t.Errorf("versionText =\n%s\nwant\n%s", got, want)
	}
}

// Out-of-range values stop the command before it does anything, naming the flag; from the
// environment too. Exit status 2 is a bad command line.
func TestOutOfRangeFlagsAreRejectedAtStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"serve", "--maton-rps", "-1"}, "--maton-rps -1: must be at least 0"},
		{nil, []string{"serve", "--attio-read-rps", "-5"}, "--attio-read-rps"},
		{nil, []string{"serve", "--attio-write-rps", "-5"}, "--attio-write-rps"},
		{nil, []string{"serve", "--caller-rps", "-2"}, "--caller-rps"},
		{nil, []string{"serve", "--caller-burst", "-2"}, "--caller-burst"},
		{nil, []string{"serve", "--interactive-reserve", "1"}, "--interactive-reserve 1: must be in [0, 1)"},
		{nil, []string{"serve", "--interactive-reserve", "-0.1"}, "--interactive-reserve"},
		{nil, []string{"serve", "--approval-ttl", "-1m"}, "--approval-ttl -1m0s: must be a duration of 0 or more"},
		{nil, []string{"serve", "--shutdown-timeout", "-1s"}, "--shutdown-timeout"},
		{[]string{"ATTIO_FACADE_MATON_RPS=-3"}, []string{"serve"}, "--maton-rps -3"},
		{[]string{"ATTIO_FACADE_MATON_RPS=lots"}, []string{"serve"}, `ATTIO_FACADE_MATON_RPS: "lots" is not a number`},
		{nil, []string{"sandbox", "--generate", "-1"}, "--generate"},
		{nil, []string{"sandbox", "--generate", "1.5"}, `invalid value "1.5" for flag --generate: not an integer`},
		{nil, []string{"export", "--object", "people", "--page-size", "2.5"}, `invalid value "2.5" for flag --page-size: not an integer`},
		{[]string{"ATTIO_FACADE_EXPORT_PAGE_SIZE=2.5"}, []string{"export", "--object", "people"}, `ATTIO_FACADE_EXPORT_PAGE_SIZE: "2.5" is not an integer`},
		{nil, []string{"export", "--object", "people", "--page-size", "0"}, "--page-size 0: must be from 1 to 500"},
		{nil, []string{"export", "--object", "people", "--page-size", "501"}, "--page-size 501"},
		{nil, []string{"export", "--object", "people", "--max-retries", "-1"}, "--max-retries"},
		{nil, []string{"health", "--timeout", "-1s"}, "--timeout"},
	} {
		r := cli(t, "", tc.env, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want exit 2 and %q", tc.env, tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// The edges of the ranges are accepted.
func TestFlagRangeEdgesAreAccepted(t *testing.T) {
	t.Parallel()
	start(t, nil, "--interactive-reserve", "0", "--maton-rps", "0", "--caller-rps", "0", "--approval-ttl", "0s")
}

// One scheme for environment variables: ATTIO_FACADE_<FLAG> for serve and for the settings every
// command shares (the facade's address, logging), ATTIO_FACADE_<COMMAND>_<FLAG> for the other
// commands' own flags; and README's configuration table lists every one of them.
func TestEnvNamesFollowOneScheme(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	shared := map[string]bool{"log-format": true, "log-level": true, "token": true}
	line := regexp.MustCompile(`(?m)^  --([a-z-]+).*\n\s+\t.*\(env ([A-Z_]+)\)`)
	for _, c := range []string{"serve", "sandbox", "export", "health"} {
		r := cli(t, "", nil, c, "-h")
		flags := line.FindAllStringSubmatch(r.stdout, -1)
		if len(flags) == 0 {
			t.Fatalf("%s -h lists no flags:\n%s", c, r.stdout)
		}
		for _, m := range flags {
			flag, env := m[1], m[2]
			want := "ATTIO_FACADE_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
			if c != "serve" && !shared[flag] && !(flag == "addr" && c != "sandbox") {
				want = "ATTIO_FACADE_" + strings.ToUpper(c) + "_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
			}
			if env != want {
				t.Errorf("%s --%s reads %s, want %s", c, flag, env, want)
			}
			if !strings.Contains(string(readme), "`"+env+"`") {
				t.Errorf("README.md does not document %s (%s --%s)", env, c, flag)
			}
		}
	}
}
