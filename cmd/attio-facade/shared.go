package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"time"

	"go.opentelemetry.io/otel/metric"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/redisstore"
	"github.com/attio-facade/attio-facade/telemetry"
)

// openShared connects to the Redis that replicas share state in (--redis-url). Without one it
// returns nil and everything stays in this process's memory. A Redis that does not answer at
// start does not stop the facade: it starts degraded (writes Unavailable, reads at 1/N of the
// budget) and recovers on its own, so a Redis restart cannot crash-loop every replica.
func openShared(ctx context.Context, rawURL string, env environment, tel *telemetry.Telemetry, logger *slog.Logger) (*redisstore.Store, error) {
	if rawURL == "" {
		return nil, nil
	}
	if env.getenv(interceptors.ApprovalSecretEnv) == "" {
		return nil, errors.New("--redis-url is set but " + interceptors.ApprovalSecretEnv + " is not: replicas sharing approvals must sign tokens with one shared secret")
	}
	redisstore.SetLogger(logger)
	s, err := redisstore.New(rawURL, redisstore.Options{Meter: tel.Meter(), Tracer: tel.Tracer()})
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.Ping(pctx); err != nil {
		logger.Warn("redis does not answer; starting degraded until it does", "redis", redisHost(rawURL), "error", err.Error())
	} else {
		logger.Info("shared state in redis", "redis", redisHost(rawURL))
	}
	return s, nil
}

// redisHost is the URL without credentials, for logs.
func redisHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Host
}

// redisPassword is the password in a Redis URL, for the redaction list ("" when none).
func redisPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// startReplica joins the live replicas (a heartbeat every second) and gives the client the shared
// outbound budget, sized for the fallback by the live count (live). stop leaves the replica set.
func startReplica(ctx context.Context, s *redisstore.Store, upstream *attio.Config, tel *telemetry.Telemetry) (live func() int, stop func(), err error) {
	host, _ := os.Hostname()
	reps := s.Replicas(host+"-"+randomKey()[len("sandbox-"):][:8], redisstore.DefaultHeartbeat)
	_, err = tel.Meter().Int64ObservableGauge(MetricReplicasLive,
		metric.WithDescription("Live facade replicas sharing this Redis, as last counted by the heartbeats (sizes the 1/N budget during an outage)."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(reps.Live()))
			return nil
		}))
	if err != nil {
		return nil, nil, err
	}
	upstream.Shared = s.Budget(redisstore.BudgetOptions{Replicas: reps.Live})
	hctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		reps.Run(hctx)
	}()
	return reps.Live, func() {
		cancel()
		<-done
	}, nil
}

// MetricReplicasLive is the gauge of live replicas (Prometheus: facade_replicas_live).
const MetricReplicasLive = "facade.replicas.live"
