// Command attio-facade serves a typed gRPC/Connect API in front of Attio (through Maton), runs the
// in-memory Attio sandbox on its own, and exports records to files.
//
//	attio-facade [serve] [flags]   run the facade (default; on the sandbox when MATON_API_KEY is unset)
//	attio-facade sandbox [flags]   run only the Maton + Attio sandbox
//	attio-facade export [flags]    export an object or list through a running facade
package main

import (
	"context"
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
		os.Exit(1)
	}
}

// environment is what a subcommand may touch of the process, so tests can run it in-process.
type environment struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	// ready, if set, is told the listening address once a server accepts connections.
	ready func(net.Addr)
}

func run(ctx context.Context, args []string, env environment) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, env)
	case "sandbox":
		return runSandbox(ctx, args, env)
	case "export":
		return runExport(ctx, args, env)
	case "help":
		fmt.Fprintln(env.stdout, "usage: attio-facade [serve|sandbox|export] [flags]; attio-facade <command> -h for flags")
		return nil
	default:
		return fmt.Errorf("unknown command %q (want serve, sandbox or export)", cmd)
	}
}
