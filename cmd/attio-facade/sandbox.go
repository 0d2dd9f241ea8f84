package main

import (
	"context"
	"net/http"
	"time"

	attiofacade "github.com/attio-facade/attio-facade"
	"github.com/attio-facade/attio-facade/sandbox"
)

// runSandbox serves only the Maton + Attio sandbox, for anyone testing their own Attio code.
func runSandbox(ctx context.Context, args []string, env environment) error {
	var (
		addr, apiKey, logFormat, logLevel string
		latency                           time.Duration
		limits                            bool
		generate                          int
		generateObject, requestLogPath    string
		hooks                             sandbox.WebhookDelivery
		hookSeed                          int
	)
	f := newEnvFlags("sandbox", env.getenv)
	f.str(&addr, "addr", "ATTIO_FACADE_SANDBOX_ADDR", "127.0.0.1:8090", "listen address")
	f.str(&apiKey, "api-key", "ATTIO_FACADE_SANDBOX_API_KEY", sandbox.DefaultAPIKey, "the Maton API key the sandbox accepts")
	f.duration(&latency, "latency", "ATTIO_FACADE_SANDBOX_LATENCY", 0, "latency added to every request")
	f.boolean(&limits, "rate-limits", "ATTIO_FACADE_SANDBOX_RATE_LIMITS", true, "enforce Maton's 10/s and Attio's 100 reads/s, 25 writes/s")
	f.integer(&generate, "generate", "ATTIO_FACADE_SANDBOX_GENERATE", 0, "synthetic records to add to --generate-object at start", atLeast(0))
	f.str(&generateObject, "generate-object", "ATTIO_FACADE_SANDBOX_GENERATE_OBJECT", "people", "object that --generate fills")
	f.str(&requestLogPath, "request-log", "ATTIO_FACADE_SANDBOX_REQUEST_LOG", "", "append a line per request (arrival unix ns, status, method, path, ns to answer) to this file")
	ratio := rule{func(v float64) bool { return v >= 0 && v <= 1 }, "in [0, 1]"}
	f.float(&hooks.Drop, "webhook-drop", "ATTIO_FACADE_SANDBOX_WEBHOOK_DROP", 0, "share of webhook deliveries dropped (never sent)", ratio)
	f.float(&hooks.Duplicate, "webhook-duplicate", "ATTIO_FACADE_SANDBOX_WEBHOOK_DUPLICATE", 0, "share of webhook deliveries sent twice with the same Idempotency-Key", ratio)
	f.float(&hooks.Reorder, "webhook-reorder", "ATTIO_FACADE_SANDBOX_WEBHOOK_REORDER", 0, "share of webhook deliveries held back until the next one overtakes them", ratio)
	f.duration(&hooks.Delay, "webhook-delay", "ATTIO_FACADE_SANDBOX_WEBHOOK_DELAY", 0, "delay before a webhook delivery is first sent")
	f.integer(&hookSeed, "webhook-seed", "ATTIO_FACADE_SANDBOX_WEBHOOK_SEED", 0, "seed of the drop, duplicate and reorder draws (0: random), for reproducible runs", atLeast(0))
	f.integer(&hooks.Queue, "webhook-queue", "ATTIO_FACADE_SANDBOX_WEBHOOK_QUEUE", sandbox.DefaultWebhookQueue, "webhook deliveries pending at once; beyond it a delivery is dropped and counted, writes never wait", atLeast(1))
	f.integer(&hooks.Attempts, "webhook-attempts", "ATTIO_FACADE_SANDBOX_WEBHOOK_ATTEMPTS", sandbox.DefaultWebhookAttempts, "attempts of one webhook delivery (backoff from 100ms, doubling to 5s) before it is given up and the webhook marked degraded", atLeast(1))
	f.boolean(&hooks.Remote, "webhook-remote", "ATTIO_FACADE_SANDBOX_WEBHOOK_REMOTE", false, "also deliver webhooks to targets off this machine (default: loopback targets only)")
	f.str(&logFormat, "log-format", "ATTIO_FACADE_LOG_FORMAT", "json", "log format: json or text")
	f.str(&logLevel, "log-level", "ATTIO_FACADE_LOG_LEVEL", "info", "log level")
	if err := f.parse(args); err != nil {
		return err
	}
	logger, err := newLogger(env, logFormat, logLevel)
	if err != nil {
		return err
	}
	opts := []sandbox.Option{sandbox.WithAPIKey(apiKey), sandbox.WithSeed(attiofacade.SeedFS()), sandbox.WithWebhookDelivery(hooks)}
	if hookSeed > 0 {
		opts = append(opts, sandbox.WithRandomSeed(uint64(hookSeed)))
	}
	if latency > 0 {
		opts = append(opts, sandbox.WithLatency(sandbox.FixedLatency(latency)))
	}
	if !limits {
		opts = append(opts, sandbox.WithRateLimits(sandbox.Limits{}))
	}
	sb := sandbox.New(opts...)
	defer sb.CloseWebhooks()
	if generate > 0 {
		if err := sb.Generate(sandbox.DefaultConnectionID, generateObject, generate, sandbox.GenerateOptions{}); err != nil {
			return err
		}
	}
	var handler http.Handler = sb
	if requestLogPath != "" {
		rl, err := newRequestLog(sb, requestLogPath)
		if err != nil {
			return err
		}
		defer rl.Close()
		handler = rl
	}
	logger.Info("Maton + Attio sandbox", "maton_base_url", "http://"+addr+"/attio/v2", "attio_base_url", "http://"+addr+"/v2", "control_url", "http://"+addr)
	return listenAndServe(ctx, addr, handler, 5*time.Second, env, logger, func() {})
}
