package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

type handler func(rc *reqCtx) ([]byte, *apiError)

type route struct {
	method string
	tmpl   string
	segs   []string
	write  bool
	h      handler
	status int // success status; 0 is 200
}

// reqCtx carries one request through a handler. Handlers run with the
// workspace lock held (exclusive for writes, shared for reads).
type reqCtx struct {
	s     *Sandbox
	ws    *workspace
	r     *http.Request
	p     map[string]string
	q     url.Values
	body  map[string]any
	now   int64
	actor int32
}

var routes []*route

func addRoute(method, tmpl string, write bool, h handler) {
	routes = append(routes, &route{method: method, tmpl: tmpl, segs: strings.Split(strings.Trim(tmpl, "/"), "/"), write: write, h: h})
}

// addRouteStatus adds a route whose success is status instead of 200 (204 for bodiless deletes).
func addRouteStatus(method, tmpl string, status int, h handler) {
	addRoute(method, tmpl, method != http.MethodGet, h)
	routes[len(routes)-1].status = status
}

// matchRoute finds the endpoint; among candidates the one with the most
// literal segments wins (/v2/objects/records/search over /v2/{target}/...).
func matchRoute(method, path string) (*route, map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *route
	bestScore := -1
	for _, rt := range routes {
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		score := 0
		ok := true
		for i, s := range rt.segs {
			if strings.HasPrefix(s, "{") {
				if segs[i] == "" {
					ok = false
					break
				}
				continue
			}
			if s != segs[i] {
				ok = false
				break
			}
			score++
		}
		if ok && score > bestScore {
			best, bestScore = rt, score
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for i, s := range best.segs {
		if strings.HasPrefix(s, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				v = segs[i]
			}
			params[strings.Trim(s, "{}")] = v
		}
	}
	return best, params
}

func (s *Sandbox) run(rt *route, ws *workspace, r *http.Request, params map[string]string) ([]byte, *apiError) {
	rc := &reqCtx{s: s, ws: ws, r: r, p: params, q: r.URL.Query()}
	if r.Method != http.MethodGet && r.Method != http.MethodDelete {
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
	if rt.write {
		ws.mu.Lock()
		defer ws.mu.Unlock()
	} else {
		ws.mu.RLock()
		defer ws.mu.RUnlock()
	}
	rc.now = s.nowNanos()
	rc.actor = ws.tokenActorIdx()
	return rt.h(rc)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "number"
}

// data returns body.data as an object or a validation error naming the path.
func (rc *reqCtx) data() (map[string]any, *apiError) {
	if rc.body == nil {
		return nil, bodyError([]any{"data"}, "Required")
	}
	d, ok := rc.body["data"].(map[string]any)
	if !ok {
		if _, present := rc.body["data"]; !present {
			return nil, bodyError([]any{"data"}, "Required")
		}
		return nil, bodyError([]any{"data"}, "Expected object, received "+jsonKind(rc.body["data"]))
	}
	return d, nil
}

func reqString(m map[string]any, key string, path ...any) (string, *apiError) {
	v, ok := m[key]
	if !ok {
		return "", bodyError(append(path, key), "Required")
	}
	s, ok := v.(string)
	if !ok {
		return "", bodyError(append(path, key), "Expected string, received "+jsonKind(v))
	}
	return s, nil
}

func optString(m map[string]any, key string, path ...any) (string, bool, *apiError) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, bodyError(append(path, key), "Expected string, received "+jsonKind(v))
	}
	return s, true, nil
}

func optBool(m map[string]any, key string, path ...any) (bool, bool, *apiError) {
	v, ok := m[key]
	if !ok {
		return false, false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, false, bodyError(append(path, key), "Expected boolean, received "+jsonKind(v))
	}
	return b, true, nil
}

// pageParams reads limit/offset query parameters with the endpoint's default
// and maximum (max 0 = unbounded).
func (rc *reqCtx) pageParams(def, maxLimit int) (int, int, *apiError) {
	limit, offset := def, 0
	if s := rc.q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || (maxLimit > 0 && n > maxLimit) {
			msg := "limit must be a positive integer"
			if maxLimit > 0 {
				msg += " no greater than " + strconv.Itoa(maxLimit)
			}
			return 0, 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "invalid_type", msg)
		}
		limit = n
	}
	if s := rc.q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, validation("Invalid query parameter offset.").with([]any{"offset"}, "invalid_type", "offset must be a non-negative integer")
		}
		offset = n
	}
	return limit, offset, nil
}

func (rc *reqCtx) boolParam(name string) (bool, *apiError) {
	switch rc.q.Get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, validation("Invalid query parameter %s.", name).with([]any{name}, "invalid_type", "Expected boolean")
}

func window(n, limit, offset int) (int, int) {
	if offset > n {
		offset = n
	}
	end := n
	if limit >= 0 && offset+limit < n {
		end = offset + limit
	}
	return offset, end
}

func okEmpty() ([]byte, *apiError) { return []byte("{}"), nil }
