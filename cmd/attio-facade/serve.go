package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"connectrpc.com/grpchealth"

	attiofacade "github.com/attio-facade/attio-facade"
	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/redisstore"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
	"github.com/attio-facade/attio-facade/telemetry"
	"github.com/attio-facade/attio-facade/web"
)

type serveConfig struct {
	addr            string
	upstreamURL     string
	controlURL      string
	matonRPS        float64
	attioReadRPS    float64
	attioWriteRPS   float64
	reserve         float64
	corsOrigins     string
	logFormat       string
	logLevel        string
	shutdownTimeout time.Duration
	sandboxLatency  time.Duration
	sandboxLimits   bool
	authFile        string
	callerRPS       float64
	callerBurst     float64
	approvalTTL     time.Duration
	jwtMaxLifetime  time.Duration
	requireUpstream bool
	maxPending      float64
	watchInterval   time.Duration
	watchMax        int
	maxRetryAfter   time.Duration
	adminAddr       string
	grpcAddr        string
	adminPprof      bool
	streamMemory    int64
	gcPercent       int
	upstreamMaxBody int64
	callerMemory    int64
	streamFetches   int
	callerStreams   int
	sendTimeout     time.Duration
	leaseTTL        time.Duration
	webhookSecrets  string
	webhookMaxBody  int64
	changeLogSize   int
	webhookKeys     int
	publicURL       string
	subscribeEvery  time.Duration
	managedHooks    string
	subscribeConns  string
	reconcileEvery  time.Duration
	reconcileShare  float64
	reconcileObjs   string
	reconcileLists  string
	reconcileMax    int
	watchHeartbeat  time.Duration
	changeFetches   int
	leaseRenew      time.Duration
	redisURL        string
	compressMin     int64
	uploadWindow    int64
	downloadChunk   int64
}

func serve(ctx context.Context, args []string, env environment) error {
	var cfg serveConfig
	f := newEnvFlags("serve", env.getenv)
	f.str(&cfg.addr, "addr", "ATTIO_FACADE_ADDR", "127.0.0.1:8080", "listen address")
	f.str(&cfg.upstreamURL, "upstream-url", "ATTIO_FACADE_UPSTREAM_URL", attio.DefaultBaseURL, "Attio data-plane base URL (Maton's, or https://api.attio.com/v2 with ATTIO_API_KEY)")
	f.str(&cfg.controlURL, "control-url", "ATTIO_FACADE_CONTROL_URL", attio.DefaultControlURL, "Maton control-plane base URL")
	f.float(&cfg.matonRPS, "maton-rps", "ATTIO_FACADE_MATON_RPS", 10, "Maton requests/s per account (0: no cap)", atLeast(0))
	f.float(&cfg.attioReadRPS, "attio-read-rps", "ATTIO_FACADE_ATTIO_READ_RPS", 100, "Attio reads/s", atLeast(0))
	f.float(&cfg.attioWriteRPS, "attio-write-rps", "ATTIO_FACADE_ATTIO_WRITE_RPS", 25, "Attio writes/s", atLeast(0))
	f.float(&cfg.reserve, "interactive-reserve", "ATTIO_FACADE_INTERACTIVE_RESERVE", 0.2, "share of the upstream budget kept for interactive calls while bulk streams run", within(0, 1))
	f.str(&cfg.corsOrigins, "cors-origins", "ATTIO_FACADE_CORS_ORIGINS", "", "comma-separated browser origins allowed by CORS (* for any)")
	f.str(&cfg.logFormat, "log-format", "ATTIO_FACADE_LOG_FORMAT", "json", "log format: json or text")
	f.str(&cfg.logLevel, "log-level", "ATTIO_FACADE_LOG_LEVEL", "info", "log level: debug, info, warn, error")
	f.duration(&cfg.shutdownTimeout, "shutdown-timeout", "ATTIO_FACADE_SHUTDOWN_TIMEOUT", 20*time.Second, "how long shutdown waits for in-flight calls")
	f.duration(&cfg.sandboxLatency, "sandbox-latency", "ATTIO_FACADE_SANDBOX_LATENCY", 0, "latency the embedded sandbox adds to each request")
	f.boolean(&cfg.sandboxLimits, "sandbox-rate-limits", "ATTIO_FACADE_SANDBOX_RATE_LIMITS", true, "whether the embedded sandbox enforces Maton's and Attio's rate limits")
	f.str(&cfg.authFile, "auth-file", "ATTIO_FACADE_AUTH_FILE", "", "caller auth configuration (JSON: API key hashes, JWT/JWKS, approval policy); required with a real upstream key")
	f.float(&cfg.callerRPS, "caller-rps", "ATTIO_FACADE_CALLER_RPS", -1, "requests/s per caller, streams paying per page (default: the upstream read budget, so one caller's export is never held below it; 0 turns it off)", atLeast(0))
	f.float(&cfg.callerBurst, "caller-burst", "ATTIO_FACADE_CALLER_BURST", 0, "burst per caller (default: twice the rate)", atLeast(0))
	f.duration(&cfg.approvalTTL, "approval-ttl", "ATTIO_FACADE_APPROVAL_TTL", 0, "lifetime of pending approvals and approval tokens (default from the auth file, else 10m)")
	f.duration(&cfg.jwtMaxLifetime, "jwt-max-lifetime", "ATTIO_FACADE_JWT_MAX_LIFETIME", interceptors.DefaultJWTMaxLifetime, "longest lifetime (exp - iat) of a caller JWT; JWTs without iat or exp are refused")
	f.boolean(&cfg.requireUpstream, "require-upstream", "ATTIO_FACADE_REQUIRE_UPSTREAM", false, "production mode: refuse to start without MATON_API_KEY or ATTIO_API_KEY instead of serving the embedded sandbox (the container image sets it)")
	f.float(&cfg.maxPending, "max-pending-approvals", "ATTIO_FACADE_MAX_PENDING_APPROVALS", interceptors.DefaultMaxPendingApprovals, "pending approvals one principal may hold; more writes needing approval are ResourceExhausted (0: no cap)", atLeast(0))
	f.duration(&cfg.watchInterval, "approvals-watch-interval", "ATTIO_FACADE_APPROVALS_WATCH_INTERVAL", server.DefaultApprovalsWatchInterval, "how often each WatchApprovals stream re-reads the approval store, for other replicas' changes and expiries (this replica's own changes arrive at once)")
	f.integer(&cfg.watchMax, "approvals-watch-max", "ATTIO_FACADE_APPROVALS_WATCH_MAX", server.DefaultApprovalsWatchMax, "most approvals (the newest) in one WatchApprovals snapshot", atLeast(1))
	f.duration(&cfg.maxRetryAfter, "max-retry-after", "ATTIO_FACADE_MAX_RETRY_AFTER", attio.DefaultMaxRetryAfter, "longest upstream Retry-After honoured: the pause of every upstream call after a 429")
	f.str(&cfg.grpcAddr, "grpc-addr", "ATTIO_FACADE_GRPC_ADDR", "", "also serve gRPC alone on this address, through grpc-go's HTTP/2 transport: the same API, with less transport overhead per gRPC call than --addr (empty: none)")
	f.str(&cfg.adminAddr, "admin-addr", "ATTIO_FACADE_ADMIN_ADDR", "127.0.0.1:9090", "admin listener for /metrics, /healthz, /readyz and pprof (empty: none)")
	f.boolean(&cfg.adminPprof, "admin-pprof", "ATTIO_FACADE_ADMIN_PPROF", false, "serve net/http/pprof under /debug/pprof/ on the admin listener")
	f.integer(&cfg.gcPercent, "gc-percent", "ATTIO_FACADE_GC_PERCENT", defaultGCPercent, "garbage collection target: the heap may grow by this percentage of what is live before a collection, within the soft memory limit (GOGC, when set, wins)", atLeast(1))
	f.bytes(&cfg.streamMemory, "stream-memory", "ATTIO_FACADE_STREAM_MEMORY", server.DefaultStreamMemory, "memory budget for page data held by all streams and exports together (bytes, or with KiB, MiB, GiB)")
	f.bytes(&cfg.upstreamMaxBody, "upstream-max-body", "ATTIO_FACADE_UPSTREAM_MAX_BODY", attio.DefaultMaxBodyBytes, "largest upstream answer decoded in one piece (a page of records or entries); larger ones fail the call")
	f.bytes(&cfg.callerMemory, "caller-stream-memory", "ATTIO_FACADE_CALLER_STREAM_MEMORY", 0, "the part of --stream-memory one caller's streams and exports may hold together (default: half of it)")
	f.integer(&cfg.streamFetches, "stream-fetches", "ATTIO_FACADE_STREAM_FETCHES", server.DefaultStreamFetches, "upstream page fetches all streams and exports run at once, shared fairly between callers (unary calls never wait for them)", atLeast(1))
	f.integer(&cfg.callerStreams, "caller-max-streams", "ATTIO_FACADE_CALLER_MAX_STREAMS", server.DefaultCallerMaxStreams, "concurrent streams and exports per caller; more are refused with ResourceExhausted", atLeast(1))
	f.duration(&cfg.sendTimeout, "stream-send-timeout", "ATTIO_FACADE_STREAM_SEND_TIMEOUT", server.DefaultStreamSendTimeout, "a stream whose caller takes no message for this long ends with Unavailable and its resume token")
	f.duration(&cfg.leaseTTL, "stream-lease-ttl", "ATTIO_FACADE_STREAM_LEASE_TTL", redisstore.DefaultStreamLeaseTTL, "with --redis-url: how long a stream's slot of --caller-max-streams outlives its last renewal (the slots of a killed replica's streams are free again after it)")
	f.duration(&cfg.leaseRenew, "stream-lease-renew", "ATTIO_FACADE_STREAM_LEASE_RENEW", redisstore.DefaultStreamLeaseRenew, "with --redis-url: how often a live stream renews its slot; below --stream-lease-ttl")
	f.str(&cfg.webhookSecrets, "webhook-secrets-file", "ATTIO_FACADE_WEBHOOK_SECRETS_FILE", "", "JSON object of Maton connection name to the signing secret of its Attio webhook: serves POST /webhooks/attio/{connection} for those connections (empty: no webhook endpoint)")
	f.bytes(&cfg.webhookMaxBody, "webhook-max-body", "ATTIO_FACADE_WEBHOOK_MAX_BODY", changes.DefaultMaxBody, "largest webhook delivery accepted; larger ones get 413 and nothing is recorded (bytes, or with KiB, MiB)")
	f.integer(&cfg.changeLogSize, "change-log-size", "ATTIO_FACADE_CHANGE_LOG_SIZE", changes.DefaultLogSize, "changes kept per connection in the change log (in memory, or a Redis stream with --redis-url); the oldest go first", atLeast(1))
	f.duration(&cfg.watchHeartbeat, "watch-heartbeat", "ATTIO_FACADE_WATCH_HEARTBEAT", server.DefaultChangeHeartbeat, "a WatchRecords or WatchEntries stream that was sent nothing for this long is sent a heartbeat with the current change token")
	f.integer(&cfg.changeFetches, "change-fetch-cache", "ATTIO_FACADE_CHANGE_FETCH_CACHE", server.DefaultChangeFetchCache, "records and entries fetched for changes kept for later watchers (concurrent watchers share one fetch per change anyway)", atLeast(1))
	f.integer(&cfg.webhookKeys, "webhook-dedupe-keys", "ATTIO_FACADE_WEBHOOK_DEDUPE_KEYS", changes.DefaultLogKeys, "Idempotency-Keys of webhook deliveries remembered per connection, to record a redelivery once", atLeast(1))
	f.str(&cfg.publicURL, "public-url", "ATTIO_FACADE_PUBLIC_URL", "", "the facade's reachable HTTPS base: it then keeps one Attio webhook per connection pointing at <public-url>/webhooks/attio/<connection> (http to a loopback host only on the sandbox; empty: no managed webhook)")
	f.duration(&cfg.subscribeEvery, "webhook-subscribe-interval", "ATTIO_FACADE_WEBHOOK_SUBSCRIBE_INTERVAL", changes.DefaultSubscriptionInterval, "with --public-url: how often the managed webhooks are checked and repaired (created, subscriptions restored, a degraded one replaced)")
	f.str(&cfg.managedHooks, "managed-webhooks-file", "ATTIO_FACADE_MANAGED_WEBHOOKS_FILE", "", "with --public-url: file (mode 0600) keeping the managed webhooks' ids and secrets across restarts (empty: in memory; a restart replaces the webhooks)")
	f.str(&cfg.subscribeConns, "webhook-connections", "ATTIO_FACADE_WEBHOOK_CONNECTIONS", "", "with --public-url: comma-separated Maton connections to subscribe (empty: every ACTIVE one; with ATTIO_API_KEY: the one workspace, named default)")
	f.duration(&cfg.reconcileEvery, "reconcile-interval", "ATTIO_FACADE_RECONCILE_INTERVAL", changes.DefaultReconcileInterval, "with a webhook endpoint: how often reconciliation walks the records to find changes webhooks lost (0: never)")
	f.float(&cfg.reconcileShare, "reconcile-share", "ATTIO_FACADE_RECONCILE_SHARE", changes.DefaultReconcileShare, "share of the upstream read budget a reconciliation pass may use (at bulk priority)", rule{func(v float64) bool { return v >= 0 && v <= 1 }, "in [0, 1]"})
	f.str(&cfg.reconcileObjs, "reconcile-objects", "ATTIO_FACADE_RECONCILE_OBJECTS", "", "comma-separated objects reconciliation walks (empty: every object)")
	f.str(&cfg.reconcileLists, "reconcile-lists", "ATTIO_FACADE_RECONCILE_LISTS", "", "comma-separated lists whose entries reconciliation walks (empty: every list)")
	f.integer(&cfg.reconcileMax, "reconcile-max-records", "ATTIO_FACADE_RECONCILE_MAX_RECORDS", changes.DefaultReconcileMaxRecords, "records and list entries one connection's reconciliation snapshot holds; an object or list past it is not reconciled", atLeast(1))
	f.str(&cfg.redisURL, "redis-url", "ATTIO_FACADE_REDIS_URL", "", "Redis shared by all replicas for approvals, used tokens, the outbound budget and per-caller limits (redis://host:port/db; empty: in memory, one replica); prefer the env var when it has a password")
	f.bytes(&cfg.compressMin, "compress-min-bytes", "ATTIO_FACADE_COMPRESS_MIN_BYTES", server.DefaultCompressMinBytes, "responses smaller than this are sent uncompressed even when the caller accepts zstd or gzip (bytes, or with KiB, MiB; 0: compress all)")
	f.bytes(&cfg.uploadWindow, "upload-window", "ATTIO_FACADE_UPLOAD_WINDOW", server.DefaultUploadWindow, "the most bytes of one UploadFile the facade holds at once: one chunk message; larger chunks are InvalidArgument (1 B to 1MiB)")
	f.bytes(&cfg.downloadChunk, "download-chunk", "ATTIO_FACADE_DOWNLOAD_CHUNK", server.DefaultDownloadChunk, "bytes of a DownloadFile read from the signed URL and sent per message (1 B to 64KiB)")
	if err := f.parse(args); err != nil {
		return err
	}
	if cfg.uploadWindow < 1 || cfg.uploadWindow > server.DefaultUploadWindow || cfg.downloadChunk < 1 || cfg.downloadChunk > server.DefaultDownloadChunk {
		return errors.New("--upload-window must be between 1 and 1MiB, --download-chunk between 1 and 64KiB")
	}
	if cfg.compressMin < 0 || cfg.compressMin > 1<<30 {
		return errors.New("--compress-min-bytes must be between 0 and 1GiB")
	}
	if cfg.streamMemory <= 0 || cfg.callerStreams <= 0 || cfg.sendTimeout <= 0 || cfg.upstreamMaxBody <= 0 || cfg.streamFetches <= 0 {
		return errors.New("--stream-memory, --upstream-max-body, --caller-max-streams, --stream-fetches and --stream-send-timeout must be positive")
	}
	if cfg.callerMemory < 0 || cfg.callerMemory > cfg.streamMemory {
		return errors.New("--caller-stream-memory must be between 0 (half of --stream-memory) and --stream-memory")
	}
	if cfg.leaseTTL <= 0 || cfg.leaseRenew <= 0 || cfg.leaseRenew >= cfg.leaseTTL {
		return errors.New("--stream-lease-renew and --stream-lease-ttl must be positive, the renewal interval below the TTL")
	}
	if cfg.webhookMaxBody <= 0 || cfg.webhookMaxBody > 64<<20 {
		return errors.New("--webhook-max-body must be between 1 byte and 64MiB")
	}
	if cfg.jwtMaxLifetime <= 0 {
		return errors.New("--jwt-max-lifetime must be positive")
	}
	if cfg.watchInterval <= 0 {
		return errors.New("--approvals-watch-interval must be positive")
	}
	if cfg.maxRetryAfter <= 0 {
		return errors.New("--max-retry-after must be positive")
	}
	if err := checkPublicURL(cfg, env); err != nil {
		return err
	}
	logger, err := newLogger(env, cfg.logFormat, cfg.logLevel)
	if err != nil {
		return err
	}
	softMemoryLimit(env, cfg.streamMemory, logger)
	setGCPercent(env, cfg.gcPercent, logger)

	upstream, sandboxed, closeUpstream, err := openUpstream(ctx, cfg, env, logger)
	if err != nil {
		return err
	}
	defer closeUpstream()

	// Without an auth file the facade only runs on the sandbox, with its documented built-in
	// callers; in front of real Attio data it refuses to start open.
	var authCfg *interceptors.AuthConfig
	if cfg.authFile != "" {
		if authCfg, err = interceptors.LoadAuthConfig(cfg.authFile); err != nil {
			return err
		}
	}
	tel, err := telemetry.Setup(ctx, telemetry.Options{ServiceName: "attio-facade", Logger: logger, Env: env.getenv})
	if err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	defer func() { _ = tel.Shutdown(context.Background()) }()
	// The export's observer counts each export's upstream requests and 429s for its progress
	// messages, then hands every attempt on to telemetry.
	upstream.HTTPClient, upstream.Observer = tel.HTTPClient(), server.ExportObserver(tel.Observer())
	upstream.MaxRetryAfter = cfg.maxRetryAfter
	upstream.MaxBodyBytes = cfg.upstreamMaxBody
	shared, err := openShared(ctx, cfg.redisURL, env, tel, logger)
	if err != nil {
		return err
	}
	degraded := func() string { return "" }
	var liveReplicas func() int
	if shared != nil {
		defer shared.Close()
		live, stopReplica, err := startReplica(ctx, shared, &upstream, tel)
		if err != nil {
			return err
		}
		defer stopReplica()
		degraded, liveReplicas = shared.Degraded, live
	}
	client, err := attio.New(upstream)
	if err != nil {
		return err
	}
	if err := tel.ObserveClient(client); err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}

	audit := interceptors.NewAuditLog(logger.With("log", "audit"), tel)
	auth, err := interceptors.NewAuthenticator(authCfg, interceptors.AuthenticatorOptions{
		Sandbox: sandboxed, Logger: logger, Audit: audit, JWTMaxLifetime: cfg.jwtMaxLifetime,
	})
	if errors.Is(err, interceptors.ErrAuthConfigRequired) {
		return errors.New("a real upstream key is set but no --auth-file (ATTIO_FACADE_AUTH_FILE): refusing to serve Attio data to unauthenticated callers")
	}
	if err != nil {
		return err
	}
	approvalOpts := authCfg.ApprovalOptions()
	if cfg.approvalTTL > 0 {
		approvalOpts.TTL = cfg.approvalTTL
	}
	approvalOpts.MaxPending = int(cfg.maxPending)
	if approvalOpts.MaxPending <= 0 {
		approvalOpts.MaxPending = -1 // the flag's 0 means no cap
	}
	secrets := []string{upstream.APIKey}
	if secret := env.getenv(interceptors.ApprovalSecretEnv); secret != "" {
		approvalOpts.Secret = []byte(secret)
		secrets = append(secrets, secret)
	} else {
		logger.Warn("no " + interceptors.ApprovalSecretEnv + ": approval tokens are signed with a per-process secret and do not survive a restart")
	}
	if p := redisPassword(cfg.redisURL); p != "" {
		secrets = append(secrets, p)
	}
	if shared != nil {
		approvalOpts.Store, approvalOpts.UsedTokens = shared.Approvals(), shared.UsedTokens()
	}
	approvalOpts.Audit, approvalOpts.Describer = audit, server.NewDescriber(client)
	approvals, err := interceptors.NewApprovals(approvalOpts)
	if err != nil {
		return err
	}
	callerRPS, callerBurst := cfg.callerRPS, cfg.callerBurst
	if callerRPS < 0 {
		callerRPS = readBudget(cfg, upstream)
	}
	if callerBurst <= 0 {
		callerBurst = 2 * callerRPS
	}
	limitCfg := interceptors.RateLimitConfig{Rate: callerRPS, Burst: int(callerBurst), OnThrottle: tel.RecordInboundThrottle}
	if shared != nil && callerRPS > 0 {
		// One budget per caller across replicas; 1/N of it locally while Redis is unreachable.
		limitCfg.Shared = shared.CallerLimits(redisstore.CallerLimitOptions{Rate: callerRPS, Burst: int(callerBurst), Replicas: liveReplicas})
	}
	limiter := interceptors.NewRateLimiter(limitCfg)
	streamCfg := server.StreamLimitsConfig{
		Memory: cfg.streamMemory, CallerMemory: cfg.callerMemory, Fetches: cfg.streamFetches,
		CallerMaxStreams: cfg.callerStreams, SendTimeout: cfg.sendTimeout,
	}
	if shared != nil {
		// One stream cap per caller across replicas; 1/N of it locally while Redis is unreachable.
		streamCfg.Slots = shared.StreamSlots(redisstore.StreamSlotOptions{TTL: cfg.leaseTTL, Renew: cfg.leaseRenew, Replicas: liveReplicas})
	}

	var changeLog changes.Log = changes.NewMemoryLog(changes.MemoryLogOptions{Size: cfg.changeLogSize, Keys: cfg.webhookKeys})
	if shared != nil {
		// Every replica serves every watcher: a delivery that reached one replica is read on all.
		rl := shared.ChangeLog(redisstore.ChangeLogOptions{Size: cfg.changeLogSize, Keys: cfg.webhookKeys})
		go rl.Run(ctx)
		changeLog = rl
	}
	subscriber, err := newSubscriber(cfg, upstream, client, logger)
	if err != nil {
		return err
	}
	changeLogs := changeLogs(upstream.Direct, client)
	routes, webhookSecrets, err := webhookRoutes(cfg.webhookSecrets, cfg.webhookMaxBody, changeLog, changeLogs, logger, subscriber)
	if err != nil {
		return err
	}
	if subscriber != nil {
		subCtx, stopSub := context.WithCancel(ctx)
		subDone := make(chan struct{})
		go func() { defer close(subDone); subscriber.Run(subCtx, cfg.subscribeEvery) }()
		defer func() { stopSub(); <-subDone }()
	}
	if len(routes) > 0 && cfg.reconcileEvery > 0 {
		stopReconcile, err := startReconciler(ctx, cfg, upstream, client, changeLog, logger)
		if err != nil {
			return err
		}
		defer stopReconcile()
	}
	secrets = append(secrets, webhookSecrets...)
	routes[server.DescriptorPath] = server.DescriptorHandler(attiofacade.DescriptorSet())
	routes[web.Path] = web.Handler()

	drain := interceptors.NewDrain()
	health := server.NewHealth()
	handler := server.NewHandler(server.Options{
		Client: client,
		Interceptors: interceptors.Chain(interceptors.ChainConfig{
			Logger:    logger,
			Telemetry: tel.ServerInterceptor(),
			Drain:     drain,
			Auth:      auth.Interceptor(),
			RateLimit: limiter.Interceptor(),
			Approvals: approvals.Interceptor(),
		}),
		Health:         health,
		AllowedOrigins: splitList(cfg.corsOrigins),
		Secrets:        secrets,
		Approvals: server.NewApprovalService(approvals).WithWatch(server.ApprovalWatchConfig{
			Interval: cfg.watchInterval, MaxApprovals: cfg.watchMax,
		}),
		Exports:          server.NewExportService(client, server.ExportOptions{RequestsPerSecond: readBudget(cfg, upstream)}),
		Streams:          server.NewStreamLimits(streamCfg),
		CompressMinBytes: int(cfg.compressMin),
		Routes:           routes,
		Files:            server.FileLimits{UploadWindow: int(cfg.uploadWindow), DownloadChunk: int(cfg.downloadChunk)},
		Changes:          server.NewChangeService(client, server.ChangeOptions{Log: changeLog, Logs: changeLogs, Heartbeat: cfg.watchHeartbeat, FetchCache: cfg.changeFetches}),
	})
	if cfg.adminAddr != "" {
		// Probes and metrics stay up while the API port drains, so /readyz can say so.
		admin := server.NewAdminHandler(server.AdminOptions{
			Metrics: tel.MetricsHandler(), Ready: func() bool { return !drain.Draining() }, Pprof: cfg.adminPprof,
			Degraded: degraded,
		})
		stopAdmin, err := serveAdmin(cfg.adminAddr, admin, env, logger)
		if err != nil {
			return err
		}
		defer stopAdmin()
	}
	var grpcOnly *grpcPort
	if cfg.grpcAddr != "" {
		if grpcOnly, err = serveGRPC(cfg.grpcAddr, handler, cfg.shutdownTimeout, int(cfg.compressMin), env, logger); err != nil {
			return err
		}
		defer grpcOnly.close()
	}
	return listenAndServe(ctx, cfg.addr, handler, cfg.shutdownTimeout, env, logger, func() {
		// Tell load balancers first, then stop streams so they end resumably instead of being cut.
		health.SetStatus("", grpchealth.StatusNotServing)
		for _, name := range server.ServiceNames() {
			health.SetStatus(name, grpchealth.StatusNotServing)
		}
		drain.Start()
		if grpcOnly != nil {
			grpcOnly.drain()
		}
	})
}

// softMemoryLimit tells the garbage collector what the process is meant to hold: the stream memory
// budget (its largest user) plus room for everything else. Without it the heap may grow to twice
// what is live before a collection, so a full budget would cost twice its size in RSS. GOMEMLIMIT,
// when set, wins.
func softMemoryLimit(env environment, streamMemory int64, logger *slog.Logger) {
	if env.getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := streamMemory + otherMemory
	debug.SetMemoryLimit(limit)
	logger.Debug("soft memory limit", "bytes", limit)
}

// setGCPercent sets the collector's growth target (GOGC, when set, wins). Go's default of 100
// collects each time the heap doubles; the facade's live heap between streams is a few MiB, so
// unary calls paid a collection every hundred or so calls, and the collector's idle-time workers
// on the other core: 15-20% of a GetRecord's CPU (issue 16, target 4). The soft memory limit
// (softMemoryLimit) is what bounds the heap under load, so a higher target costs RSS only when
// little is live: at most the limit.
func setGCPercent(env environment, percent int, logger *slog.Logger) {
	if env.getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(percent)
	logger.Debug("gc percent", "percent", percent)
}

// defaultGCPercent: see setGCPercent and docs/benchmarks.md (target 4).
const defaultGCPercent = 400

// otherMemory is the Go heap the facade holds besides stream pages: connections, caches, unary
// calls, and the pooled buffers pages pass through (upstream bodies, marshalled messages). The
// process's RSS adds some 18 MiB of code and runtime outside the Go heap. 12 MiB: over a
// 1,000,000-record export (issue 16, target 3: under 100 MiB) the facade peaked at 107 MiB RSS
// with + 32 MiB, at 97-103 MiB with + 16 MiB and at 94.8-94.9 MiB with + 12 MiB, whose
// collections cost no measurable CPU more than 16's in the same runs (docs/benchmarks.md).
const otherMemory = 12 << 20

// readBudget is the read rate the client allows: the tightest of Maton's cap and Attio's reads.
func readBudget(cfg serveConfig, c attio.Config) float64 {
	rate := cfg.attioReadRPS
	if c.Limits != nil && c.Limits.Maton > 0 && (rate <= 0 || c.Limits.Maton < rate) {
		rate = c.Limits.Maton
	}
	return rate
}

// openUpstream picks where the facade's client goes: Maton with MATON_API_KEY, Attio directly with
// ATTIO_API_KEY, and otherwise an embedded sandbox on a loopback port.
func openUpstream(ctx context.Context, cfg serveConfig, env environment, logger *slog.Logger) (c attio.Config, sandboxed bool, closeFn func(), err error) {
	limits := &attio.Limits{Maton: cfg.matonRPS, AttioReads: cfg.attioReadRPS, AttioWrites: cfg.attioWriteRPS}
	c = attio.Config{
		BaseURL:            cfg.upstreamURL,
		ControlURL:         cfg.controlURL,
		Limits:             limits,
		InteractiveReserve: cfg.reserve,
	}
	switch {
	case env.getenv("MATON_API_KEY") != "":
		c.APIKey = env.getenv("MATON_API_KEY")
		logger.Info("upstream: Maton", "base_url", c.BaseURL)
		return c, false, func() {}, nil
	case env.getenv("ATTIO_API_KEY") != "":
		c.APIKey, c.Direct = env.getenv("ATTIO_API_KEY"), true
		if c.BaseURL == attio.DefaultBaseURL {
			c.BaseURL = attio.DirectBaseURL
		}
		limits.Maton = 0
		logger.Info("upstream: Attio directly", "base_url", c.BaseURL)
		return c, false, func() {}, nil
	}
	if cfg.requireUpstream {
		return c, false, nil, errors.New("--require-upstream (ATTIO_FACADE_REQUIRE_UPSTREAM) is set but neither MATON_API_KEY nor ATTIO_API_KEY is: refusing to serve the embedded sandbox; run the sandbox explicitly with 'attio-facade sandbox'")
	}
	key := randomKey()
	opts := []sandbox.Option{sandbox.WithAPIKey(key), sandbox.WithSeed(attiofacade.SeedFS())}
	if cfg.sandboxLatency > 0 {
		opts = append(opts, sandbox.WithLatency(sandbox.FixedLatency(cfg.sandboxLatency)))
	}
	if !cfg.sandboxLimits {
		opts = append(opts, sandbox.WithRateLimits(sandbox.Limits{}))
	}
	sb := sandbox.New(opts...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return c, true, nil, fmt.Errorf("sandbox listener: %w", err)
	}
	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	c.APIKey, c.BaseURL, c.ControlURL = key, base+"/attio/v2", base
	logger.Info("upstream: embedded Attio sandbox (MATON_API_KEY is unset); data is in memory and lost on exit", "sandbox_url", base)
	return c, true, func() { _ = srv.Close() }, nil
}

// listenAndServe serves handler on addr until ctx ends, then drains: beforeShutdown runs (health
// NOT_SERVING, streams told to stop), and in-flight calls get up to timeout to finish.
func listenAndServe(ctx context.Context, addr string, handler http.Handler, timeout time.Duration, env environment, logger *slog.Logger, beforeShutdown func()) error {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // gRPC without TLS (h2c) on the same port
	srv := &http.Server{
		Handler:           preGrownStacks(handler),
		Protocols:         protocols,
		ReadHeaderTimeout: 10 * time.Second,
		// No WriteTimeout: server streams (exports) legitimately run for minutes. Unary calls are
		// bounded by their deadlines and the upstream client's timeouts instead.
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 1 << 20,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String(), "protocols", "connect, grpc, grpc-web (http/1.1 and h2c)")
	if env.ready != nil {
		env.ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", timeout.String())
	beforeShutdown()
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func newLogger(env environment, format, level string) (*slog.Logger, error) {
	lvl, err := parseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(env.stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(env.stderr, opts)), nil
	default:
		return nil, fmt.Errorf("log format %q: want json or text", format)
	}
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "sandbox-" + hex.EncodeToString(b)
}

// serveAdmin serves the admin handler on addr (plain HTTP/1.1) until the returned stop is called.
func serveAdmin(addr string, h http.Handler, env environment, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener: %w", err)
	}
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("admin listening", "addr", ln.Addr().String(), "paths", "/metrics /healthz /readyz")
	if env.adminReady != nil {
		env.adminReady(ln.Addr())
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return func() {
		_ = srv.Close()
		<-done
	}, nil
}
