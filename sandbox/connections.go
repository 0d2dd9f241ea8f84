package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

func (s *Sandbox) writeConnection(w *jw, c *connection) {
	w.objOpen()
	w.kid("connection_id", c.id)
	w.kv("status", c.status)
	w.kv("creation_time", c.created.UTC().Format(time.RFC3339))
	w.kv("last_updated_time", c.updated.UTC().Format(time.RFC3339))
	w.kv("url", "https://connect.maton.ai/?connection_id="+c.id.String())
	w.kv("app", "attio")
	w.key("metadata")
	w.objOpen()
	w.objClose()
	w.objClose()
}

// serveControl answers Maton's control plane (/connections).
func (s *Sandbox) serveControl(out *responder, r *http.Request) {
	id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/connections"), "/")
	notFoundConn := func() {
		out.maton(http.StatusNotFound, MatonErrorBody("not_found", "Connection not found."), nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case id == "" && r.Method == http.MethodGet:
		app, status := r.URL.Query().Get("app"), r.URL.Query().Get("status")
		w := &jw{}
		w.objOpen()
		w.key("connections")
		w.arrOpen()
		for _, c := range s.conns {
			if (app == "" || app == "attio") && (status == "" || strings.EqualFold(status, c.status)) {
				s.writeConnection(w, c)
			}
		}
		w.arrClose()
		w.objClose()
		out.maton(http.StatusOK, w.b, nil)
	case id == "" && r.Method == http.MethodPost:
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var body struct {
			App string `json:"app"`
		}
		if len(bytes.TrimSpace(raw)) > 0 {
			if err := json.Unmarshal(raw, &body); err != nil {
				out.maton(http.StatusBadRequest, MatonErrorBody("invalid_request", "Invalid JSON body."), nil)
				return
			}
		}
		if body.App != "attio" {
			out.maton(http.StatusBadRequest, MatonErrorBody("invalid_request", "Unsupported app; this gateway serves \"attio\"."), nil)
			return
		}
		now := s.now()
		wsID := newUUID()
		ws := newWorkspace(wsID, "New workspace", "workspace-"+wsID.String()[:8], now.UnixNano())
		addMember(ws, nameUUID(wsID, "owner"), "Owner", "Member", "owner@"+ws.slug+".example.com", "admin", now.UnixNano())
		c := s.addConnection(newUUID(), "PENDING", now, ws)
		w := &jw{}
		w.objOpen()
		w.key("connection")
		s.writeConnection(w, c)
		w.objClose()
		out.maton(http.StatusOK, w.b, nil)
	case id != "" && r.Method == http.MethodGet:
		c := s.findConn(id)
		if c == nil {
			notFoundConn()
			return
		}
		w := &jw{}
		w.objOpen()
		w.key("connection")
		s.writeConnection(w, c)
		w.objClose()
		out.maton(http.StatusOK, w.b, nil)
	case id != "" && r.Method == http.MethodDelete:
		c := s.findConn(id)
		if c == nil {
			notFoundConn()
			return
		}
		for i, x := range s.conns {
			if x == c {
				s.conns = append(s.conns[:i], s.conns[i+1:]...)
				break
			}
		}
		out.maton(http.StatusOK, []byte("{}"), nil)
	default:
		out.maton(http.StatusNotFound, MatonErrorBody("not_found", "Unknown endpoint "+r.Method+" "+r.URL.Path+"."), nil)
	}
}

func addMember(ws *workspace, id uuid, first, last, email, access string, created int64) *member {
	m := &member{id: id, first: first, last: last, email: email, access: access, createdAt: created}
	ws.members = append(ws.members, m)
	ws.memberActor(id)
	return m
}
