package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
)

type handler func(rc *reqCtx) ([]byte, *apiError)

// endpoint is one Attio operation: its method and path template (the name
// stats and FailNext use), whether it spends the write budget and takes the
// workspace lock exclusively, and its handler.
type endpoint struct {
	method string
	tmpl   string
	write  bool
	h      handler
	status int // success status; 0 is 200
	// raw leaves the request body to the handler (multipart uploads) instead of parsing JSON.
	raw bool
	// redirect: the handler's body is a URL, answered as 302 Found with that Location.
	redirect bool
}

// reqCtx carries one request through a handler. Handlers run with the
// workspace lock held (exclusive for writes, shared for reads).
type reqCtx struct {
	s     *Sandbox
	ws    *workspace
	r     *http.Request // as routed: the path without Maton's /attio prefix
	path  string        // the path as the caller sent it, for error messages
	q     url.Values
	body  map[string]any
	now   int64
	actor int32
	// events are the webhook events of a successful write (hookevents.go).
	events []hookEvent
}

// param is a path wildcard, unescaped once as Attio does.
func (rc *reqCtx) param(name string) string { return rc.r.PathValue(name) }

// routes registers endpoints on one sandbox's ServeMux.
type routes struct {
	s   *Sandbox
	mux *http.ServeMux
}

func (rs *routes) read(method, tmpl string, h handler)  { rs.add(method, tmpl, false, h) }
func (rs *routes) write(method, tmpl string, h handler) { rs.add(method, tmpl, true, h) }

// withStatus adds a write whose success is status instead of 200 (204 for
// bodiless deletes).
func (rs *routes) withStatus(method, tmpl string, status int, h handler) {
	rs.add(method, tmpl, true, h).status = status
}

func (rs *routes) add(method, tmpl string, write bool, h handler) *endpoint {
	ep := &endpoint{method: method, tmpl: tmpl, write: write, h: h}
	s := rs.s
	rs.mux.HandleFunc(method+" "+tmpl, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != ep.method { // a GET pattern also matches HEAD; Attio has no HEAD endpoints
			s.serveGateway(w, r, routedExchange(r), nil)
			return
		}
		s.serveGateway(w, r, routedExchange(r), ep)
	})
	return ep
}

// newAPI builds the Attio API (both the Maton and the direct plane route
// through it). Adding a resource is one file with its register function and
// one line here; see doc.go.
func newAPI(s *Sandbox) *http.ServeMux {
	rs := &routes{s: s, mux: http.NewServeMux()}
	objectRoutes(rs)
	attributeRoutes(rs)
	optionRoutes(rs)
	listRoutes(rs)
	recordRoutes(rs)
	entryRoutes(rs)
	memberRoutes(rs)
	noteRoutes(rs)
	taskRoutes(rs)
	commentRoutes(rs)
	meetingRoutes(rs)
	meetingWriteRoutes(rs)
	emailRoutes(rs)
	sequenceRoutes(rs)
	sqlRoutes(rs)
	scimRoutes(rs)
	activityRoutes(rs)
	activityRecordRoutes(rs)
	viewRoutes(rs)
	fileRoutes(rs)
	webhookRoutes(rs)
	selfRoutes(rs)
	// Anything else, including a known path with another method, is Attio's
	// 404 "Could not find endpoint" (never ServeMux's plain-text 404 or 405).
	rs.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.serveGateway(w, r, routedExchange(r), nil)
	})
	return rs.mux
}

// exchange is what the gateway knows about a request before routing.
type exchange struct {
	pl   plane
	path string // the caller's path (for "Could not find endpoint")
	api  string // the Attio path: without Maton's /attio prefix
}

type exchangeKey struct{}

func routedExchange(r *http.Request) *exchange { return r.Context().Value(exchangeKey{}).(*exchange) }

// routeAPI hands an Attio-plane request to the API mux, with Maton's /attio
// prefix and trailing slashes removed (Attio ignores them). A path the mux
// would redirect (empty or dot segments) names no endpoint.
func (s *Sandbox) routeAPI(w http.ResponseWriter, r *http.Request, ex *exchange) {
	p := "/" + strings.Trim(ex.api, "/")
	if path.Clean(p) != p {
		s.serveGateway(w, r, ex, nil)
		return
	}
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path = p
	if r.URL.RawPath != "" {
		raw := r.URL.RawPath
		if ex.pl == planeMaton {
			raw = strings.TrimPrefix(raw, "/attio")
		}
		r2.URL.RawPath = "/" + strings.Trim(raw, "/")
	}
	s.api.ServeHTTP(w, r2.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex)))
}

func (s *Sandbox) run(ep *endpoint, ws *workspace, r *http.Request, ex *exchange) ([]byte, *apiError) {
	rc := &reqCtx{s: s, ws: ws, r: r, path: ex.path, q: r.URL.Query()}
	if r.Method != http.MethodGet && r.Method != http.MethodDelete && !ep.raw {
		raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			return nil, validation("Could not read the request body.")
		}
		if len(bytes.TrimSpace(raw)) > 0 {
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, bodyError([]any{}, "Invalid JSON: "+err.Error())
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, bodyError([]any{}, "Expected object, received "+jsonKind(v))
			}
			rc.body = m
		}
	}
	if ep.write {
		ws.mu.Lock()
		defer ws.mu.Unlock()
	} else {
		ws.mu.RLock()
		defer ws.mu.RUnlock()
	}
	rc.now = s.nowNanos()
	rc.actor = ws.tokenActorIdx()
	out, err := ep.h(rc)
	if err == nil && len(rc.events) > 0 {
		// Still under the workspace lock: deliveries queue in the order of the writes.
		s.hooks.enqueue(ws, rc.events)
	}
	return out, err
}
