package attio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Default base URLs.
const (
	DefaultBaseURL    = "https://api.maton.ai/attio/v2" // Attio through the Maton gateway
	DirectBaseURL     = "https://api.attio.com/v2"      // Attio itself
	DefaultControlURL = "https://ctrl.maton.ai"         // Maton's connection control plane
)

// DefaultMaxRetryAfter is the default of Config.MaxRetryAfter.
const DefaultMaxRetryAfter = 60 * time.Second

// Config configures a Client. Only APIKey is required.
type Config struct {
	// APIKey is the Maton API key (or, with Direct, an Attio access token).
	// It is sent as a bearer token and never appears in errors.
	APIKey string
	// BaseURL of the data plane, ending in /v2. Default DefaultBaseURL, or
	// DirectBaseURL when Direct is set.
	BaseURL string
	// ControlURL of Maton's control plane. Default DefaultControlURL.
	ControlURL string
	// Direct means BaseURL is Attio itself: no Maton-Connection header, no
	// Maton cap in the default limits, and every HTTP error is Attio's.
	Direct bool
	// HTTPClient to use; nil means a tuned default (see NewHTTPClient).
	HTTPClient *http.Client
	// Limits of the outbound budget; nil means DefaultLimits (DirectLimits
	// with Direct). Fields set to 0 are unlimited.
	Limits *Limits
	// InteractiveReserve is the fraction of each budget that bulk traffic
	// leaves free while interactive traffic is active. 0 means 0.2;
	// negative means no reserve.
	InteractiveReserve float64
	// MaxAttempts per call, including the first. 0 means 5; 1 disables retries.
	MaxAttempts int
	// BaseBackoff and MaxBackoff bound the exponential backoff (full
	// jitter). Defaults 200ms and 10s.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// MaxRetryAfter caps the Retry-After honoured after a 429 (the pause of
	// every caller, and the delay callers are told). 0 means
	// DefaultMaxRetryAfter: a bogus or hostile "Retry-After: 3600" must not
	// stall the facade for an hour.
	MaxRetryAfter time.Duration
	// Observer, if set, is called once per attempt.
	Observer Observer
	// Shared, if set, is the budget shared with other replicas of the facade (see SharedBudget);
	// nil keeps the budget in this process.
	Shared SharedBudget
	// UserAgent sent upstream; default "attio-facade".
	UserAgent string
	// MaxBodyBytes bounds one upstream answer decoded in one piece (pages of records and
	// entries); a larger one fails the call. 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// Client calls Attio (through Maton or directly) and Maton's control plane.
// It is safe for concurrent use; share one per API key so the budget is shared.
type Client struct {
	apiKey      string
	base        string
	control     string
	direct      bool
	hc          *http.Client
	maxAttempts int
	baseBackoff time.Duration
	maxBackoff  time.Duration
	maxRetryAft time.Duration
	observer    Observer
	userAgent   string
	maxBody     int64

	redactor           *Redactor // the API key, in every form upstream text might echo it
	sched              scheduler
	maton, read, write *budget
	shared             SharedBudget
	account            string
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("attio: Config.APIKey is required")
	}
	c := &Client{
		apiKey:      cfg.APIKey,
		base:        cfg.BaseURL,
		control:     cfg.ControlURL,
		direct:      cfg.Direct,
		hc:          cfg.HTTPClient,
		maxAttempts: cfg.MaxAttempts,
		baseBackoff: cfg.BaseBackoff,
		maxBackoff:  cfg.MaxBackoff,
		maxRetryAft: cfg.MaxRetryAfter,
		observer:    cfg.Observer,
		userAgent:   cfg.UserAgent,
		maxBody:     cfg.MaxBodyBytes,
		redactor:    NewRedactor(cfg.APIKey),
		shared:      cfg.Shared,
		account:     accountOf(cfg.APIKey),
	}
	if c.base == "" {
		c.base = DefaultBaseURL
		if c.direct {
			c.base = DirectBaseURL
		}
	}
	if c.control == "" {
		c.control = DefaultControlURL
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	for _, u := range []string{c.base, c.control} {
		if p, err := url.Parse(u); err != nil || p.Scheme == "" || p.Host == "" {
			return nil, errors.New("attio: base URLs must be absolute http(s) URLs")
		}
	}
	c.base = strings.TrimSuffix(c.base, "/")
	c.control = strings.TrimSuffix(c.control, "/")
	if c.hc == nil {
		c.hc = NewHTTPClient()
	}
	// Attio's API never redirects. Following one would send an approved write (with our key) to
	// wherever a hop points, e.g. a path-normalising proxy turning ".../options/.." into the
	// attribute itself; so a 3xx is an error, whatever client the caller passed in.
	hc := *c.hc
	hc.CheckRedirect = refuseRedirect
	c.hc = &hc
	if c.maxAttempts <= 0 {
		c.maxAttempts = 5
	}
	if c.baseBackoff <= 0 {
		c.baseBackoff = 200 * time.Millisecond
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = 10 * time.Second
	}
	if c.maxRetryAft <= 0 {
		c.maxRetryAft = DefaultMaxRetryAfter
	}
	if c.userAgent == "" {
		c.userAgent = "attio-facade"
	}
	lim := DefaultLimits()
	if c.direct {
		lim = DirectLimits()
	}
	if cfg.Limits != nil {
		lim = *cfg.Limits
	}
	reserve := cfg.InteractiveReserve
	if reserve == 0 {
		reserve = 0.2
	}
	c.maton = newBudget(lim.Maton, reserve)
	c.read = newBudget(lim.AttioReads, reserve)
	c.write = newBudget(lim.AttioWrites, reserve)
	return c, nil
}

// ErrRedirect is the cause of an *Error for a 3xx answer: Attio's API does not redirect, so the
// client never follows one.
var ErrRedirect = errors.New("upstream answered with a redirect, which Attio's API never does; not followed")

// ErrPathParam is the cause of an *Error for an identifier that cannot be a path segment (empty,
// "." or ".."): sent, a normalising hop would turn it into another resource's path. Nothing is sent.
var ErrPathParam = errors.New("identifier cannot be a path segment")

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// NewHTTPClient returns the default transport setup: keep-alive with enough
// idle connections per host for ~16 parallel calls, bounded dial, TLS and
// response-header waits, HTTP/2 when the server offers it. No overall
// Timeout: calls are bounded by their context.
func NewHTTPClient() *http.Client {
	return &http.Client{CheckRedirect: refuseRedirect, Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
		// A record answer is 5-20 KB: with the default 4 KiB buffer, reading one took two to five
		// read calls (TestUpstreamAnswerReadInOneCall).
		ReadBufferSize: upstreamReadBuffer,
	}}
}

// upstreamReadBuffer is the size of each upstream connection's read buffer: with up to
// MaxIdleConnsPerHost (32) idle connections, 1 MiB per upstream host at most.
const upstreamReadBuffer = 32 << 10

type ctxKey int

const (
	connectionKey ctxKey = iota
	priorityKey
	requestInfoKey
)

// WithConnection makes calls under ctx use the given Maton connection
// (sent as the Maton-Connection header). An empty id means the account's
// default connection.
func WithConnection(ctx context.Context, connectionID string) context.Context {
	return context.WithValue(ctx, connectionKey, connectionID)
}

// ConnectionFrom returns the connection set by WithConnection.
func ConnectionFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(connectionKey).(string)
	return id, ok && id != ""
}

// WithPriority sets the priority class of calls under ctx.
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey, p)
}

// PriorityFrom returns the priority class of ctx (interactive by default).
func PriorityFrom(ctx context.Context) Priority {
	p, _ := ctx.Value(priorityKey).(Priority)
	return p
}

// RequestInfo describes the attempt an outgoing *http.Request belongs to. It
// is in the request's context so a RoundTripper wrapper (e.g. otelhttp) can
// name spans by endpoint template rather than by raw URL.
type RequestInfo struct {
	Endpoint string // e.g. "GET /v2/objects/{object}/records/{record_id}"
	Method   string
	Attempt  int // 1-based
	Priority Priority
}

// RequestInfoFromContext returns the RequestInfo of an outgoing request.
func RequestInfoFromContext(ctx context.Context) (RequestInfo, bool) {
	ri, ok := ctx.Value(requestInfoKey).(RequestInfo)
	return ri, ok
}

// Attempt is what an Observer learns about one HTTP attempt.
type Attempt struct {
	Endpoint      string // template, e.g. "GET /v2/objects/{object}/records/{record_id}"
	Method        string
	Attempt       int // 1-based
	Priority      Priority
	StatusCode    int           // 0 when no answer was received
	Duration      time.Duration // request start to body decoded (or failure)
	RateLimitWait time.Duration // time spent waiting for the outbound budget
	ExecutionID   string        // X-Attio-Execution-Id
	ErrorCode     string        // Attio's or Maton's error code
	Err           error         // nil on success
	WillRetry     bool
}

// Observer is told about every attempt (metrics, tracing, logging).
// It must be safe for concurrent use and return quickly.
type Observer interface {
	ObserveAttempt(ctx context.Context, a Attempt)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(ctx context.Context, a Attempt)

// ObserveAttempt calls f.
func (f ObserverFunc) ObserveAttempt(ctx context.Context, a Attempt) { f(ctx, a) }

// call is one logical API call.
type call struct {
	ep     *endpoint
	params []string
	query  url.Values
	body   any
	// decode reads a 2xx body; it must reset its target first (it may run
	// again after a retried attempt).
	decode func(*json.Decoder) error
	// decodeBody, instead of decode, gets the whole 2xx body, read into a pooled buffer that is
	// reused once it returns (so it must not keep the slice). Same reset rule.
	decodeBody func([]byte) error
	// stream, instead of body, is a one-shot request body with its content type (an upload): it
	// cannot be replayed, so such a call is never retried.
	stream      io.Reader
	contentType string
	// redirect, when set, takes a 3xx answer (which it must judge) instead of failing the call
	// with ErrRedirect: only a download, whose answer is a redirect to a signed URL, sets it.
	redirect func(*http.Response) error
}

func (c *Client) budgetsFor(ep *endpoint) []*budget {
	bs := make([]*budget, 0, 2)
	if !c.direct && c.maton != nil {
		bs = append(bs, c.maton)
	}
	if !ep.control {
		b := c.read
		if ep.write {
			b = c.write
		}
		if b != nil {
			bs = append(bs, b)
		}
	}
	return bs
}

func (c *Client) do(ctx context.Context, cl call) error {
	ep := cl.ep
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return &Error{Endpoint: ep.name, Source: SourceTransport, Err: err}
		}
	}
	base := c.base
	switch {
	case ep.control:
		base = c.control
	case ep.scim:
		// SCIM sits beside /v2 at the API's root: https://api.attio.com/scim/v2/..., through
		// Maton https://api.maton.ai/attio/scim/v2/...
		base = strings.TrimSuffix(base, "/v2")
	}
	path, err := ep.path(cl.params...)
	if err != nil {
		return &Error{Endpoint: ep.name, Source: SourceTransport, Err: err}
	}
	u := base + path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	prio := PriorityFrom(ctx)
	conn, hasConn := ConnectionFrom(ctx)
	budgets := c.budgetsFor(ep)
	wlog := writeLogFrom(ctx)

	var last *Error
	for attempt := 1; ; attempt++ {
		wait, err := c.sched.acquire(ctx, prio == PriorityBulk, budgets)
		if err == nil && c.shared != nil {
			start := time.Now()
			err = c.shared.Wait(ctx, c.reservation(ep, prio == PriorityBulk))
			wait += time.Since(start)
		}
		if err != nil {
			if last != nil {
				return last
			}
			e := &Error{Endpoint: ep.name, Source: SourceTransport, Err: err, Attempts: attempt - 1}
			if pe, ok := errors.AsType[*pausedError](err); ok {
				e.RetryAfter = pe.remaining
			}
			return e
		}
		info := RequestInfo{Endpoint: ep.name, Method: ep.method, Attempt: attempt, Priority: prio}
		var sent atomic.Bool
		trace := &httptrace.ClientTrace{
			WroteHeaderField: func(string, []string) { sent.Store(true) },
			WroteHeaders:     func() { sent.Store(true) },
		}
		rctx := httptrace.WithClientTrace(context.WithValue(ctx, requestInfoKey, info), trace)
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		if cl.stream != nil {
			body = cl.stream
		}
		req, err := http.NewRequestWithContext(rctx, ep.method, u, body)
		if err != nil {
			return &Error{Endpoint: ep.name, Source: SourceTransport, Err: err, Attempts: attempt}
		}
		if payload != nil {
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil }
			req.Header.Set("Content-Type", "application/json")
			if ep.scim {
				req.Header.Set("Content-Type", scimContentType)
			}
		}
		if cl.stream != nil {
			req.Header.Set("Content-Type", cl.contentType)
		}
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
		req.Header.Set("Accept", "application/json")
		if ep.scim {
			req.Header.Set("Accept", scimContentType+", application/json")
		}
		req.Header.Set("User-Agent", c.userAgent)
		if hasConn && !c.direct && !ep.control {
			req.Header.Set("Maton-Connection", conn)
		}

		start := time.Now()
		status, execID, e, retryable := c.attempt(req, cl, ep, &sent)
		wlog.noteAttempt(ep, sent.Load(), status)
		if e != nil {
			e.Attempts = attempt
		}
		willRetry := e != nil && retryable && attempt < c.maxAttempts && ctx.Err() == nil && cl.stream == nil
		var delay time.Duration
		if willRetry {
			delay = c.backoff(attempt)
			if e.RetryAfter > delay {
				delay = e.RetryAfter
			}
			if dl, ok := ctx.Deadline(); ok && time.Now().Add(delay).After(dl) {
				willRetry = false // fail fast: the wait alone would blow the deadline
			}
		}
		if e != nil && e.StatusCode == http.StatusTooManyRequests {
			// Everyone waits, not just this goroutine; paused before the attempt is reported, so
			// whoever sees the report already sees the pause.
			p := e.RetryAfter
			if p == 0 {
				p = delay
			}
			c.sched.pause(p)
			if c.shared != nil {
				c.shared.Pause(ctx, c.account, p)
			}
		}
		if c.observer != nil {
			a := Attempt{Endpoint: ep.name, Method: ep.method, Attempt: attempt, Priority: prio,
				Duration: time.Since(start), RateLimitWait: wait, WillRetry: willRetry}
			a.StatusCode, a.ExecutionID = status, execID
			if e != nil {
				a.ErrorCode, a.Err = e.Code, e
			}
			c.observer.ObserveAttempt(ctx, a)
		}
		if e == nil {
			return nil
		}
		if !willRetry {
			return e
		}
		last = e
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return last
		}
	}
}

// attempt sends req once and returns nil on success, or the error and
// whether the call may be retried.
func (c *Client) attempt(req *http.Request, cl call, ep *endpoint, sent *atomic.Bool) (status int, execID string, _ *Error, retry bool) {
	resp, err := c.hc.Do(req)
	if err != nil {
		e := &Error{Endpoint: ep.name, Source: SourceTransport, Err: err}
		// A create or PATCH is resent only if no byte of it left: otherwise
		// Attio may have applied it and a retry would duplicate it.
		return 0, "", e, ep.retry || !sent.Load()
	}
	defer func() {
		// Drain a little so the connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		resp.Body.Close()
	}()
	status, execID = resp.StatusCode, resp.Header.Get("X-Attio-Execution-Id")
	if status >= 300 && status < 400 && cl.redirect != nil {
		if err := cl.redirect(resp); err != nil {
			return status, execID, &Error{Endpoint: ep.name, StatusCode: status, Source: SourceTransport, ExecutionID: execID, Err: err}, false
		}
		return status, execID, nil, false
	}
	if status >= 300 && status < 400 {
		return status, execID, &Error{Endpoint: ep.name, StatusCode: status, Source: SourceTransport,
			ExecutionID: execID, Err: ErrRedirect}, false
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if cl.decode == nil && cl.decodeBody == nil {
			return status, execID, nil, false
		}
		if err := c.decodeResponse(resp.Body, cl); err != nil {
			e := &Error{Endpoint: ep.name, StatusCode: resp.StatusCode, Source: SourceTransport,
				ExecutionID: execID, Err: err}
			badJSON := isBadJSON(err)
			// A body cut off mid-way is worth re-reading; a malformed one is not.
			return status, execID, e, ep.retry && !badJSON
		}
		return status, execID, nil, false
	}
	e := c.decodeErrorResponse(ep, resp)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return status, execID, e, true // a 429 was not processed: safe for any method
	case e.Source == SourceMaton && resp.StatusCode == http.StatusInternalServerError:
		return status, execID, e, false // expired OAuth authorisation: retrying cannot help
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return status, execID, e, ep.retry
	}
	return status, execID, e, false
}

// PausedFor is what is left of the pause every call is under after a 429 (0 when none).
func (c *Client) PausedFor() time.Duration { return c.sched.pausedFor() }

// Pauses counts the pauses started or extended by 429s since the client was built.
func (c *Client) Pauses() int64 { return c.sched.pauses.Load() }

// backoff is capped exponential backoff with full jitter.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.baseBackoff << (attempt - 1)
	if d <= 0 || d > c.maxBackoff {
		d = c.maxBackoff
	}
	return rand.N(d) + 1
}
