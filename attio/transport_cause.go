package attio

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// TransportCause says why no HTTP answer came, in words safe for callers and logs: the kind of
// failure and the host or address involved, never a URL's path or query, a header or a body
// (the raw error quotes the request URL). "" for nil.
func TransportCause(err error) string {
	if err == nil {
		return ""
	}
	at := ""
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		at = " (" + op.Addr.String() + ")"
	}
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	var netErr net.Error
	switch {
	case errors.As(err, &dns):
		switch {
		case dns.IsNotFound:
			return "DNS lookup of " + dns.Name + " failed: no such host"
		case dns.IsTimeout:
			return "DNS lookup of " + dns.Name + " timed out"
		}
		return "DNS lookup of " + dns.Name + " failed"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused" + at
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "network unreachable" + at
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the other end" + at
	case errors.As(err, &cert), errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid):
		return "TLS certificate not accepted" + at
	case errors.As(err, &record):
		return "TLS handshake failed (is the URL's scheme right?)" + at
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timed out" + at
	case op != nil:
		return "network error during " + op.Op + at
	}
	return "no response"
}
