// Command attio-facade serves a typed gRPC/Connect API in front of Attio (through Maton), runs the
// in-memory Attio sandbox on its own, exports records to files, and probes a running facade.
//
//	attio-facade [serve] [flags]   run the facade (default; on the sandbox when MATON_API_KEY is unset)
//	attio-facade sandbox [flags]   run only the Maton + Attio sandbox
//	attio-facade export [flags]    export an object or list through a running facade
//	attio-facade watch [flags]     print an object's or list's changes as JSON Lines
//	attio-facade health [flags]    ask a running facade's gRPC health service (exit 0 when SERVING)
//	attio-facade version           module version, VCS revision and Go version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := environment{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr}
	if err := run(ctx, os.Args[1:], env); err != nil {
		fmt.Fprintf(os.Stderr, "attio-facade: %v\n", err)
		os.Exit(exitCode(err))
	}
}

// environment is what a subcommand may touch of the process, so tests can run it in-process.
type environment struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	// ready, if set, is told the listening address once a server accepts connections.
	ready func(net.Addr)
	// adminReady, if set, is told the admin listener's address.
	adminReady func(net.Addr)
	// grpcReady, if set, is told the gRPC-only listener's address (--grpc-addr).
	grpcReady func(net.Addr)
}

// command is one subcommand: its one-line summary is what `attio-facade -h` lists.
type command struct {
	name, summary string
	run           func(context.Context, []string, environment) error
}

func commands() []command {
	return []command{
		{"serve", "run the facade (the default; on the embedded sandbox when no upstream key is set)", serve},
		{"sandbox", "run only the in-memory Maton + Attio sandbox, for testing your own Attio code", runSandbox},
		{"export", "export an object or a list through a running facade to JSON Lines or CSV", runExport},
		{"watch", "print the changes of an object or a list as JSON Lines, resuming after breaks", runWatch},
		{"health", "ask a running facade's gRPC health service; exit 0 when SERVING, 1 otherwise", runHealth},
		{"version", "print the module version, VCS revision and Go version", runVersion},
	}
}

func run(ctx context.Context, args []string, env environment) error {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && isHelp(args[0]) {
		name = "help"
	}
	if name == "help" {
		fmt.Fprint(env.stdout, mainUsage())
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, args, env)
			var h helpRequested
			if errors.As(err, &h) {
				fmt.Fprint(env.stdout, string(h))
				return nil
			}
			return err
		}
	}
	return usageError{fmt.Errorf("unknown command %q; run 'attio-facade -h' for the list", name)}
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

func mainUsage() string {
	var b strings.Builder
	b.WriteString("usage: attio-facade [command] [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	b.WriteString("\nWithout a command, attio-facade runs serve. 'attio-facade <command> -h' lists a command's flags;\n" +
		"every flag can also be set by the environment variable shown there (flags win).\n")
	return b.String()
}

// helpRequested carries a command's usage text up to run, which prints it on stdout and exits 0.
type helpRequested string

func (h helpRequested) Error() string { return "help requested" }

// usageError is a bad command line: exit status 2, as for any Unix tool.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}
