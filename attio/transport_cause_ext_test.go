package attio_test

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// The cause names the failure and the host, never the URL's path or query.
func TestTransportCause(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error {
		return &attio.Error{Source: attio.SourceTransport, Err: &url.Error{Op: "Post", URL: "https://api.maton.invalid/attio/v2/objects/people/records/query?secret=1", Err: err}}
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{wrap(&net.DNSError{Name: "api.maton.invalid", Err: "no such host", IsNotFound: true}), "DNS lookup of api.maton.invalid failed: no such host"},
		{wrap(&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 443}, Err: errors.New("i/o timeout: deadline")}), "network error during dial (10.0.0.1:443)"},
		{wrap(errors.New("something odd")), "no response"},
	} {
		got := attio.TransportCause(tc.err)
		if got != tc.want {
			t.Errorf("TransportCause = %q, want %q", got, tc.want)
		}
		if strings.Contains(got, "secret") || strings.Contains(got, "/objects/") {
			t.Errorf("cause leaks the URL: %q", got)
		}
	}
}
