package main

import (
	"fmt"
	"net"
	"net/url"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/server"
)

// exportCompressors is what the export client accepts for the stream, per --compression:
//   - auto: nothing on loopback, where compressing costs CPU on both ends and saves no time (the
//     facade and the CLI on one machine are CPU-bound), else zstd then gzip;
//   - zstd: zstd, falling back to gzip with a facade that has no zstd;
//   - gzip; none.
func exportCompressors(mode, base string) ([]connect.Compressor, error) {
	all := server.Compressors() // zstd, gzip
	switch mode {
	case "auto":
		if isLoopback(base) {
			return nil, nil
		}
		return all, nil
	case "zstd":
		return all, nil
	case "gzip":
		for _, c := range all {
			if c.Name() == "gzip" {
				return []connect.Compressor{c}, nil
			}
		}
	case "none":
		return nil, nil
	}
	return nil, fmt.Errorf("export: --compression %q: want auto, zstd, gzip or none", mode)
}

// isLoopback reports whether the facade's URL names this machine by a loopback address or
// "localhost".
func isLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
