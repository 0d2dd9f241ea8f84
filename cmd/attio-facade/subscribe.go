package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
)

// checkPublicURL refuses a bad --public-url at start. It must be https, as Attio requires; http
// to a loopback host is allowed only in front of a sandbox (the embedded one, without an upstream
// key, or an upstream on loopback: real Attio and Maton never are), which delivers there.
func checkPublicURL(cfg serveConfig, env environment) error {
	if cfg.publicURL == "" {
		return nil
	}
	if cfg.subscribeEvery <= 0 {
		return errors.New("--webhook-subscribe-interval must be positive")
	}
	u, err := url.Parse(cfg.publicURL)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("--public-url must be an absolute https URL without query or fragment")
	}
	embedded := env.getenv("MATON_API_KEY") == "" && env.getenv("ATTIO_API_KEY") == ""
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopbackHost(u.Hostname()) && (embedded || loopbackURL(cfg.upstreamURL)):
	default:
		return errors.New("--public-url must be https (Attio delivers only there); http to a loopback host is allowed only with the sandbox")
	}
	return nil
}

// newSubscriber builds the managed webhook subscription of --public-url (nil without it), checked
// by checkPublicURL.
func newSubscriber(cfg serveConfig, upstream attio.Config, client *attio.Client, logger *slog.Logger) (*changes.Subscriber, error) {
	if cfg.publicURL == "" {
		return nil, nil
	}
	return changes.NewSubscriber(changes.SubscriptionOptions{
		Client: client, PublicURL: cfg.publicURL, SecretFile: cfg.managedHooks,
		Connections: subscribedConnections(cfg.subscribeConns, upstream.Direct, client),
		Logger:      logger.With("component", "webhook-subscription"),
	})
}

// subscribedConnections lists --webhook-connections, else Maton's ACTIVE connections on every
// pass; with Attio directly there is one workspace, the default connection.
func subscribedConnections(list string, direct bool, client *attio.Client) func(context.Context) ([]string, error) {
	if fixed := splitList(list); len(fixed) > 0 {
		return func(context.Context) ([]string, error) { return fixed, nil }
	}
	if direct {
		return func(context.Context) ([]string, error) { return []string{""}, nil }
	}
	return func(ctx context.Context) ([]string, error) {
		conns, err := client.ListConnections(ctx, attio.ConnectionQuery{Status: "ACTIVE"})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(conns))
		for _, c := range conns {
			out = append(out, c.ConnectionID)
		}
		return out, nil
	}
}

// changeLogs names the change logs: with Attio directly one workspace, DefaultConnection; under
// Maton a call without the header reaches the oldest ACTIVE connection (as Maton picks it), whose
// webhook the managed subscription registers by id, so that id names its log.
func changeLogs(direct bool, client *attio.Client) *changes.Logs {
	if direct {
		return nil
	}
	return changes.NewLogs(func(ctx context.Context) (string, error) {
		conns, err := client.ListConnections(ctx, attio.ConnectionQuery{Status: "ACTIVE"})
		if err != nil {
			return "", err
		}
		var oldest *attio.Connection
		for i, c := range conns {
			if c.Status == "ACTIVE" && (oldest == nil || createdBefore(c, *oldest)) {
				oldest = &conns[i]
			}
		}
		if oldest == nil {
			return "", nil
		}
		return oldest.ConnectionID, nil
	})
}

// createdBefore orders connections by creation_time (RFC 3339; as text if one does not parse).
func createdBefore(a, b attio.Connection) bool {
	ta, ea := time.Parse(time.RFC3339Nano, a.CreationTime)
	tb, eb := time.Parse(time.RFC3339Nano, b.CreationTime)
	if ea != nil || eb != nil {
		return a.CreationTime < b.CreationTime
	}
	return ta.Before(tb)
}

func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func loopbackURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && loopbackHost(u.Hostname())
}

// startReconciler runs reconciliation every --reconcile-interval for the subscribed connections,
// paced at --reconcile-share of the read budget; the returned func stops it and waits.
func startReconciler(ctx context.Context, cfg serveConfig, upstream attio.Config, client *attio.Client, log changes.Log, logger *slog.Logger) (func(), error) {
	r, err := changes.NewReconciler(changes.ReconcileOptions{
		Client: client, Log: log, Objects: splitList(cfg.reconcileObjs), Lists: splitList(cfg.reconcileLists), MaxRecords: cfg.reconcileMax,
		Connections:       subscribedConnections(cfg.subscribeConns, upstream.Direct, client),
		RequestsPerSecond: cfg.reconcileShare * readBudget(cfg, upstream),
		Logger:            logger.With("component", "reconcile"),
	})
	if err != nil {
		return nil, err
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); r.Run(rctx, cfg.reconcileEvery) }()
	return func() { stop(); <-done }, nil
}
