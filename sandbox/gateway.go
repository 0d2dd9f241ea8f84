package sandbox

import (
	"net/http"
	"strings"
	"time"
)

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

// ServeHTTP classifies the request by plane; Attio planes are routed by the
// API mux, whose endpoint (or none) then runs the gateway pipeline.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	ex := &exchange{path: path, api: path}
	switch {
	case strings.HasPrefix(path, "/attio/v2/") || path == "/attio/v2":
		ex.pl, ex.api = planeMaton, strings.TrimPrefix(path, "/attio")
	case strings.HasPrefix(path, "/attio/scim/v2/"):
		ex.pl, ex.api = planeMaton, strings.TrimPrefix(path, "/attio")
	case strings.HasPrefix(path, "/v2/") || path == "/v2" || strings.HasPrefix(path, "/scim/v2/"):
		ex.pl = planeDirect
	case path == "/connections" || strings.HasPrefix(path, "/connections/"):
		ex.pl = planeControl
	}
	if ex.pl == planeMaton || ex.pl == planeDirect {
		s.routeAPI(w, r, ex)
		return
	}
	s.serveGateway(w, r, ex, nil)
}

// serveGateway runs the gateway pipeline: latency, scripted and random faults,
// Maton auth / connection / cap, Attio budgets, then the endpoint ep (nil when
// the path names none).
func (s *Sandbox) serveGateway(w http.ResponseWriter, r *http.Request, ex *exchange, ep *endpoint) {
	pl := ex.pl
	tmpl := "UNKNOWN"
	switch {
	case pl == planeControl && ex.path == "/connections":
		tmpl = "/connections"
	case pl == planeControl:
		tmpl = "/connections/{connection_id}"
	case ep != nil:
		tmpl = ep.tmpl
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
		out.attio(http.StatusNotFound, notFound("Could not find endpoint \"%s %s\".", r.Method, ex.path).body(), nil)
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

	if ep == nil {
		out.attio(http.StatusNotFound, notFound("Could not find endpoint \"%s %s\".", r.Method, ex.api).body(), nil)
		return
	}
	if ok, wait := s.attioBudget(ws.id, ep.write, now); !ok {
		out.attio(http.StatusTooManyRequests, AttioErrorBody(429, "rate_limit_exceeded", "Rate limit exceeded, please try again later"),
			http.Header{"Retry-After": {retryAfter(now, wait)}})
		return
	}
	body, aerr := s.run(ep, ws, r, ex)
	if strings.HasPrefix(ep.tmpl, "/scim/") {
		// SCIM answers its own content type, and its errors in its own shape.
		out.contentType = scimContentType
		switch {
		case aerr != nil:
			out.attio(aerr.status, aerr.scimBody(), nil)
			return
		case body == nil:
			out.attio(http.StatusNoContent, nil, nil) // a PATCH that revoked an invite
			return
		}
	}
	if aerr != nil {
		out.attio(aerr.status, aerr.body(), nil)
		return
	}
	if ep.redirect {
		out.attio(http.StatusFound, []byte("{}"), http.Header{"Location": {string(body)}})
		return
	}
	if ep.status != 0 {
		out.attio(ep.status, body, nil)
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
	contentType string // "" is application/json
	w           *recorder
	slow        bool
	slowDelay   time.Duration
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
	if o.contentType != "" {
		hd.Set("Content-Type", o.contentType)
	}
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
