package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

// runVersion prints what the binary was built from, as the Go toolchain recorded it.
func runVersion(_ context.Context, args []string, env environment) error {
	f := newEnvFlags("version", env.getenv)
	if err := f.parse(args); err != nil {
		return err
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("version: the binary carries no build information")
	}
	fmt.Fprint(env.stdout, versionText(info))
	return nil
}

// versionText is the module version (a tag with `go install module@version`, "(devel)" for a
// build in a checkout), the VCS revision and time when the build recorded them (not with
// -buildvcs=false), and the Go version.
func versionText(info *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	rev := settings["vcs.revision"]
	if rev == "" {
		rev = "unknown (built without VCS information)"
	} else {
		if settings["vcs.modified"] == "true" {
			rev += " (modified)"
		}
		if t := settings["vcs.time"]; t != "" {
			rev += ", " + t
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "attio-facade %s\n", info.Main.Version)
	fmt.Fprintf(&b, "module:   %s\n", info.Main.Path)
	fmt.Fprintf(&b, "revision: %s\n", rev)
	fmt.Fprintf(&b, "go:       %s\n", info.GoVersion)
	return b.String()
}
