package sandbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
)

// Server is a Sandbox listening on a loopback port, started in one line the
// way httptest.Server is, but with net/http only (httptest belongs in tests).
type Server struct {
	URL     string // base URL, e.g. http://127.0.0.1:41234
	Sandbox *Sandbox
	// SignedURL is the signed host downloads redirect to: another loopback port, so that the
	// facade's following of the redirect crosses to a host that is not the API's.
	SignedURL string

	signed       *http.Server
	signedServed chan struct{}

	srv    *http.Server
	served chan struct{} // closed when Serve has returned
	client *http.Client

	mu      sync.Mutex
	fresh   map[net.Conn]struct{} // accepted, no request read yet
	closing bool
}

// NewServer starts a sandbox on a free loopback port and panics if it cannot
// listen (as httptest.NewServer does). Call Close when done.
func NewServer(opts ...Option) *Server {
	s, err := Start("127.0.0.1:0", New(opts...))
	if err != nil {
		panic("sandbox: " + err.Error())
	}
	return s
}

// Start serves sb on addr (host:port; port 0 picks a free one).
func Start(addr string, sb *Sandbox) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:     "http://" + ln.Addr().String(),
		Sandbox: sb,
		served:  make(chan struct{}),
		client:  &http.Client{Transport: &http.Transport{}},
		fresh:   map[net.Conn]struct{}{},
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	sln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		ln.Close()
		return nil, err
	}
	s.SignedURL = "http://" + sln.Addr().String()
	sb.SetSignedBaseURL(s.SignedURL)
	s.signed, s.signedServed = &http.Server{Handler: sb.SignedHandler()}, make(chan struct{})
	go func() {
		defer close(s.signedServed)
		_ = s.signed.Serve(sln)
	}()
	s.srv = &http.Server{Handler: sb, ConnState: s.track}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln) // ErrServerClosed after Close
	}()
	return s, nil
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
func (s *Server) Client() *http.Client { return s.client }

// track notes connections that have not sent a request yet: Shutdown would
// wait five seconds for each before calling it idle, and httptest closes them
// at once.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case st == http.StateNew && s.closing:
		c.Close()
	case st == http.StateNew:
		s.fresh[c] = struct{}{}
	default:
		delete(s.fresh, c)
	}
}

// Close shuts the listener down and blocks until outstanding requests finish.
// Like httptest.Server.Close, it also drops the idle keep-alive connections of
// its Client and of http.DefaultTransport, so no client goroutine outlives it.
func (s *Server) Close() {
	s.mu.Lock()
	s.closing = true
	for c := range s.fresh {
		c.Close()
	}
	s.mu.Unlock()
	if err := s.srv.Shutdown(context.Background()); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = s.srv.Close()
	}
	<-s.served
	if err := s.signed.Shutdown(context.Background()); err != nil {
		_ = s.signed.Close()
	}
	<-s.signedServed
	s.Sandbox.CloseWebhooks()
	s.client.CloseIdleConnections()
	if t, ok := http.DefaultTransport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}
