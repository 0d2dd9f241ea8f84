package sandbox

import (
	"net/http"
	"net/http/httptest"
)

// Server is a Sandbox listening on a loopback port, in the manner of
// httptest.Server.
type Server struct {
	URL     string // base URL, e.g. http://127.0.0.1:41234
	Sandbox *Sandbox
	srv     *httptest.Server
}

// NewServer starts a sandbox on loopback. Call Close when done.
func NewServer(opts ...Option) *Server {
	sb := New(opts...)
	ts := httptest.NewServer(sb)
	return &Server{URL: ts.URL, Sandbox: sb, srv: ts}
}

// MatonBaseURL is the Attio data plane through Maton (URL + "/attio/v2").
func (s *Server) MatonBaseURL() string { return s.URL + "/attio/v2" }

// AttioBaseURL is direct-Attio mode (URL + "/v2"), without Maton's cap.
func (s *Server) AttioBaseURL() string { return s.URL + "/v2" }

// ControlURL is Maton's control plane base (GET URL + "/connections").
func (s *Server) ControlURL() string { return s.URL }

// APIKey is the bearer key the sandbox accepts.
func (s *Server) APIKey() string { return s.Sandbox.apiKey }

// Client returns an HTTP client tied to the server (closed with it).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the listener down and blocks until outstanding requests finish.
func (s *Server) Close() { s.srv.Close() }
