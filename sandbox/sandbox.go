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
	}
	if cfg.rndSeed != 0 {
		s.rnd = rand.New(rand.NewPCG(cfg.rndSeed, cfg.rndSeed^0x9e3779b97f4a7c15))
	} else {
		s.rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
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

// HTTP -----------------------------------------------------------------------

type plane uint8

const (
	planeUnknown plane = iota
	planeMaton
	planeDirect
	planeControl
)

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServeHTTP runs the gateway pipeline: latency, scripted and random faults,
// Maton auth / connection / cap, Attio budgets, then the endpoint.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	var pl plane
	var apiPath string
	switch {
	case strings.HasPrefix(path, "/attio/v2/") || path == "/attio/v2":
		pl, apiPath = planeMaton, strings.TrimPrefix(path, "/attio")
	case strings.HasPrefix(path, "/v2/") || path == "/v2":
		pl, apiPath = planeDirect, path
	case path == "/connections" || strings.HasPrefix(path, "/connections/"):
		pl, apiPath = planeControl, path
	default:
		pl, apiPath = planeUnknown, path
	}
	var rt *route
	var params map[string]string
	tmpl := "UNKNOWN"
	if pl == planeControl {
		tmpl = "/connections"
		if path != "/connections" {
			tmpl = "/connections/{connection_id}"
		}
	} else if pl != planeUnknown {
		rt, params = matchRoute(r.Method, apiPath)
		if rt != nil {
			tmpl = rt.tmpl
		}
	}
	connHeader := r.Header.Get("Maton-Connection")
	rec := &recorder{ResponseWriter: w}
	defer func() {
		s.stats.record(r.Method+" "+tmpl, rec.status, connLabel(pl, connHeader))
	}()

	s.mu.Lock()
	lat, faults := s.latency, s.faults
	var delay time.Duration
	if lat.Max > lat.Min {
		delay = lat.Min + time.Duration(s.rnd.Int64N(int64(lat.Max-lat.Min)+1))
	} else {
		delay = lat.Min
	}
	roll := func(p float64) bool { return p > 0 && s.rnd.Float64() < p }
	drop, fail5xx, slow := roll(faults.DropRatio), roll(faults.ErrorRatio), roll(faults.SlowBodyRatio)
	pick503 := s.rnd.IntN(2) == 0
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if f := s.takeFailure(r.Method, tmpl); f != nil {
		s.writeFailure(rec, f, pl)
		return
	}
	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				rec.status = -1
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	out := &responder{w: rec, slow: slow, slowDelay: faults.SlowBodyDelay}
	if fail5xx {
		st := http.StatusInternalServerError
		if pick503 {
			st = http.StatusServiceUnavailable
		}
		f := &Failure{Status: st}
		out.attio(st, defaultFailureBody(f), nil)
		return
	}

	if pl == planeUnknown {
		out.attio(http.StatusNotFound, notFound("Could not find endpoint \"%s %s\".", r.Method, path).body(), nil)
		return
	}
	if !s.authorized(r) {
		if pl == planeDirect {
			out.attio(http.StatusUnauthorized, AttioErrorBody(401, "invalid_token", "The access token is invalid or has expired."), nil)
		} else {
			out.maton(http.StatusUnauthorized, MatonErrorBody("unauthorized", "Invalid or missing API key."), nil)
		}
		return
	}
	now := s.now()
	if pl != planeDirect {
		s.mu.Lock()
		b := s.maton
		s.mu.Unlock()
		if ok, wait := b.take(now); !ok {
			out.maton(http.StatusTooManyRequests, MatonErrorBody("rate_limit_exceeded", "Rate limit exceeded: 10 requests per second per account."),
				http.Header{"Retry-After": {retryAfter(now, wait)}})
			return
		}
	}
	if pl == planeControl {
		s.serveControl(out, r)
		return
	}

	s.mu.Lock()
	var c *connection
	if connHeader == "" {
		c = s.defaultConn()
	} else {
		c = s.findConn(connHeader)
	}
	var ws *workspace
	var status string
	var expired bool
	if c != nil {
		ws, status, expired = c.ws, c.status, c.expired
	}
	s.mu.Unlock()
	switch {
	case c == nil && connHeader == "":
		out.maton(http.StatusBadRequest, MatonErrorBody("connection_not_found", "No active connection found for app attio."), nil)
		return
	case c == nil:
		out.maton(http.StatusBadRequest, MatonErrorBody("connection_not_found", "Connection not found for the Maton-Connection header."), nil)
		return
	case status != "ACTIVE":
		out.maton(http.StatusBadRequest, MatonErrorBody("connection_not_active", "The connection is "+status+"; finish its authorization first."), nil)
		return
	case expired:
		out.maton(http.StatusInternalServerError, MatonErrorBody("internal_error", "The OAuth authorization of this connection has expired; reconnect it."), nil)
		return
	}

	if rt == nil {
		out.attio(http.StatusNotFound, notFound("Could not find endpoint \"%s %s\".", r.Method, apiPath).body(), nil)
		return
	}
	if ok, wait := s.attioBudget(ws.id, rt.write, now); !ok {
		out.attio(http.StatusTooManyRequests, AttioErrorBody(429, "rate_limit_exceeded", "Rate limit exceeded, please try again later"),
			http.Header{"Retry-After": {retryAfter(now, wait)}})
		return
	}
	body, aerr := s.run(rt, ws, r, params)
	if aerr != nil {
		out.attio(aerr.status, aerr.body(), nil)
		return
	}
	if rt.status != 0 {
		out.attio(rt.status, body, nil)
		return
	}
	out.attio(http.StatusOK, body, nil)
}

func connLabel(pl plane, header string) string {
	if pl != planeMaton && pl != planeDirect {
		return ""
	}
	if header == "" {
		return "default"
	}
	return header
}

func (s *Sandbox) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	return ok && tok == s.apiKey
}

func (s *Sandbox) attioBudget(ws uuid, write bool, now time.Time) (bool, time.Duration) {
	s.mu.Lock()
	m, rate := s.reads, s.limits.AttioReadRPS
	if write {
		m, rate = s.writes, s.limits.AttioWriteRPS
	}
	if rate <= 0 {
		s.mu.Unlock()
		return true, 0
	}
	b := m[ws]
	if b == nil {
		b = newBucket(rate, now)
		m[ws] = b
	}
	s.mu.Unlock()
	return b.take(now)
}

func (s *Sandbox) writeFailure(w *recorder, f *Failure, pl plane) {
	if pl == planeControl {
		f.Maton = true // the control plane is Maton's own
	}
	body := f.Body
	if body == nil {
		body = defaultFailureBody(f)
	}
	h := http.Header{}
	for k, v := range f.Header {
		h[k] = v
	}
	if f.Status == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
		h.Set("Retry-After", retryAfter(s.now(), time.Second))
	}
	out := &responder{w: w}
	if f.Maton {
		out.maton(f.Status, body, h)
	} else {
		out.attio(f.Status, body, h)
	}
}

// responder writes answers, optionally as a slow body.
type responder struct {
	w         *recorder
	slow      bool
	slowDelay time.Duration
}

func (o *responder) attio(status int, body []byte, h http.Header) {
	o.w.Header().Set("X-Attio-Execution-Id", newUUID().String())
	o.write(status, body, h)
}

func (o *responder) maton(status int, body []byte, h http.Header) { o.write(status, body, h) }

func (o *responder) write(status int, body []byte, h http.Header) {
	hd := o.w.Header()
	for k, v := range h {
		hd[k] = v
	}
	hd.Set("Content-Type", "application/json; charset=utf-8")
	if !o.slow || len(body) < 2 {
		o.w.WriteHeader(status)
		_, _ = o.w.Write(body)
		return
	}
	o.w.WriteHeader(status)
	half := len(body) / 2
	_, _ = o.w.Write(body[:half])
	o.w.Flush()
	d := o.slowDelay
	if d <= 0 {
		d = 200 * time.Millisecond
	}
	time.Sleep(d)
	_, _ = o.w.Write(body[half:])
}
