package sandbox

import (
	"io/fs"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Fixed identities of the two workspaces every sandbox starts with. Tests can
// refer to them; the seed in testdata/seed uses the same ids.
const (
	// DefaultAPIKey is the Maton API key the sandbox accepts unless WithAPIKey says otherwise.
	DefaultAPIKey = "sandbox-maton-api-key"
	// DefaultConnectionID is the oldest ACTIVE connection: used when Maton-Connection is absent.
	DefaultConnectionID = "6b198147-cff2-4829-8841-bbdaabfa2fe1"
	// SecondConnectionID is a second, independent workspace.
	SecondConnectionID = "b3e00889-6e51-426a-95b9-21871b700053"
	// DefaultWorkspaceID is the workspace behind DefaultConnectionID.
	DefaultWorkspaceID = "6b0dcc5d-adbe-442b-8900-d2f330c09216"
	// SecondWorkspaceID is the workspace behind SecondConnectionID.
	SecondWorkspaceID = "a2ddecb1-6f9e-4c87-9a97-cc2973799e6a"
	// DefaultMemberID is the admin workspace member of the default workspace.
	DefaultMemberID = "613a17f3-7004-4254-b4cd-489c9e8e8b89"
	// SecondMemberID is the admin workspace member of the second workspace.
	SecondMemberID = "2153d04c-8a9d-4cec-86e9-f65bf7f2248b"
)

// Option configures a Sandbox at construction.
type Option func(*config)

type config struct {
	apiKey  string
	seed    fs.FS
	limits  Limits
	latency Latency
	faults  Faults
	clock   func() time.Time
	rndSeed uint64
	hooks   WebhookDelivery
	hookRT  http.RoundTripper
}

// WithAPIKey sets the Maton API key the sandbox accepts (Authorization: Bearer).
func WithAPIKey(key string) Option { return func(c *config) { c.apiKey = key } }

// WithSeed loads the workspaces from fsys (the layout of testdata/seed:
// connections.json plus one file per workspace).
func WithSeed(fsys fs.FS) Option { return func(c *config) { c.seed = fsys } }

// WithRateLimits sets the rate budgets (DefaultLimits otherwise; Limits{} turns all off).
func WithRateLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithLatency delays every request.
func WithLatency(l Latency) Option { return func(c *config) { c.latency = l } }

// WithFaults injects random failures.
func WithFaults(f Faults) Option { return func(c *config) { c.faults = f } }

// WithClock replaces time.Now for timestamps and rate limits (not latency).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithRandomSeed makes fault injection and latency draws reproducible.
func WithRandomSeed(seed uint64) Option { return func(c *config) { c.rndSeed = seed } }

type connection struct {
	id      uuid
	status  string
	created time.Time
	updated time.Time
	expired bool
	ws      *workspace
}

// Sandbox emulates Maton's gateway and Attio's REST API in memory. It is an
// http.Handler serving /attio/v2/... (through Maton), /v2/... (direct Attio,
// no Maton cap) and /connections... (Maton's control plane). All methods are
// safe for concurrent use.
type Sandbox struct {
	apiKey string
	clock  func() time.Time
	api    *http.ServeMux // the Attio API, built by newAPI

	mu       sync.Mutex // guards everything below
	conns    []*connection
	limits   Limits
	maton    *bucket
	reads    map[uuid]*bucket
	writes   map[uuid]*bucket
	latency  Latency
	faults   Faults
	failures []*Failure
	rnd      *rand.Rand

	stats statsData

	signed *signedHost // download URLs (signed.go)
	hooks  *dispatcher // webhook deliveries (hookdeliver.go)
}

// New builds a sandbox. It panics if the seed is malformed (test data is
// part of the program).
func New(opts ...Option) *Sandbox {
	cfg := config{apiKey: DefaultAPIKey, limits: DefaultLimits, clock: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Sandbox{
		apiKey:  cfg.apiKey,
		clock:   cfg.clock,
		latency: cfg.latency,
		faults:  cfg.faults,
		reads:   map[uuid]*bucket{},
		writes:  map[uuid]*bucket{},
		signed:  newSignedHost(),
	}
	if cfg.rndSeed != 0 {
		s.rnd = rand.New(rand.NewPCG(cfg.rndSeed, cfg.rndSeed^0x9e3779b97f4a7c15))
	} else {
		s.rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	s.hooks = newDispatcher(s, cfg.hooks, cfg.rndSeed, cfg.hookRT)
	s.api = newAPI(s)
	s.stats.reset()
	s.setLimitsLocked(cfg.limits)
	if err := s.load(cfg.seed); err != nil {
		panic("sandbox: " + err.Error())
	}
	return s
}

func (s *Sandbox) now() time.Time { return s.clock() }

func (s *Sandbox) nowNanos() int64 { return s.clock().UnixNano() }

// SetRateLimits changes the budgets at runtime (buckets start full).
func (s *Sandbox) SetRateLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLimitsLocked(l)
}

func (s *Sandbox) setLimitsLocked(l Limits) {
	s.limits = l
	now := s.now()
	s.maton = nil
	if l.MatonRPS > 0 {
		s.maton = newBucket(l.MatonRPS, now)
	}
	s.reads = map[uuid]*bucket{}
	s.writes = map[uuid]*bucket{}
}

// RateLimits returns the current budgets.
func (s *Sandbox) RateLimits() Limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits
}

// SetLatency changes the per-request delay at runtime.
func (s *Sandbox) SetLatency(l Latency) {
	s.mu.Lock()
	s.latency = l
	s.mu.Unlock()
}

// SetFaults changes random fault injection at runtime.
func (s *Sandbox) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// FailNext scripts failures for the next matching requests (see Failure).
// Scripted failures are served in the order they were added.
func (s *Sandbox) FailNext(f Failure) {
	if f.Count <= 0 {
		f.Count = 1
	}
	f.Route = strings.TrimPrefix(f.Route, "/attio")
	s.mu.Lock()
	s.failures = append(s.failures, &f)
	s.mu.Unlock()
}

// ClearFailures drops scripted failures not yet served.
func (s *Sandbox) ClearFailures() {
	s.mu.Lock()
	s.failures = nil
	s.mu.Unlock()
}

func (s *Sandbox) takeFailure(method, tmpl string) *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if (f.Method == "" || strings.EqualFold(f.Method, method)) && (f.Route == "" || f.Route == tmpl) {
			out := *f
			f.Count--
			if f.Count == 0 {
				s.failures = append(s.failures[:i], s.failures[i+1:]...)
			}
			return &out
		}
	}
	return nil
}

// connection resolution ------------------------------------------------------

func (s *Sandbox) findConn(id string) *connection {
	u, ok := parseUUID(id)
	if !ok {
		return nil
	}
	for _, c := range s.conns {
		if c.id == u {
			return c
		}
	}
	return nil
}

// defaultConn is the oldest ACTIVE connection, as Maton picks it.
func (s *Sandbox) defaultConn() *connection {
	var best *connection
	for _, c := range s.conns {
		if c.status == "ACTIVE" && (best == nil || c.created.Before(best.created)) {
			best = c
		}
	}
	return best
}

func (s *Sandbox) workspaceFor(connID string) (*workspace, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *connection
	if connID == "" {
		c = s.defaultConn()
	} else {
		c = s.findConn(connID)
	}
	if c == nil {
		return nil, errNoConn
	}
	return c.ws, nil
}

type sandboxErr string

func (e sandboxErr) Error() string { return string(e) }

const (
	errNoConn   = sandboxErr("sandbox: unknown connection")
	errNoObject = sandboxErr("sandbox: unknown object")
	errNoList   = sandboxErr("sandbox: unknown list")
)

// ExpireConnection makes a connection's OAuth authorisation expire: its data
// plane answers Maton's 500 until ActivateConnection.
func (s *Sandbox) ExpireConnection(connID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findConn(connID)
	if c == nil {
		return errNoConn
	}
	c.expired = true
	c.updated = s.now()
	return nil
}

// ActivateConnection finishes a PENDING connection's OAuth flow (or renews an
// expired one), making it ACTIVE.
func (s *Sandbox) ActivateConnection(connID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findConn(connID)
	if c == nil {
		return errNoConn
	}
	c.status = "ACTIVE"
	c.expired = false
	c.updated = s.now()
	return nil
}

// ConnectionIDs lists the connections, oldest first.
func (s *Sandbox) ConnectionIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.conns))
	for i, c := range s.conns {
		out[i] = c.id.String()
	}
	return out
}

func (s *Sandbox) addConnection(id uuid, status string, created time.Time, ws *workspace) *connection {
	c := &connection{id: id, status: status, created: created, updated: created, ws: ws}
	s.conns = append(s.conns, c)
	sort.SliceStable(s.conns, func(i, j int) bool { return s.conns[i].created.Before(s.conns[j].created) })
	return c
}
