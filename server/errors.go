package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/attio-facade/attio-facade/attio"
)

// Bounds of what an error tells a caller. Upstream text is kept (Attio's messages are useful) but
// a 100,000-field write must not earn a megabyte-sized answer.
const (
	maxErrorMessage    = 1024 // bytes of an error's message
	maxDetailText      = 512  // bytes of each string inside a detail (violation descriptions, metadata)
	maxFieldViolations = 32   // google.rpc.BadRequest entries relayed from one upstream 400
)

// Error domains in google.rpc.ErrorInfo: who produced the error.
const (
	domainAttio  = "attio.com"
	domainMaton  = "maton.ai"
	domainFacade = "attio-facade"
)

// reply answers a unary call: the response build makes once the calls before it succeeded, or err
// as the caller sees it (upstreamError; the facade's own errors pass through unchanged).
func reply[R any](err error, build func() R) (R, error) {
	if err != nil {
		var none R
		return none, upstreamError(err)
	}
	return build(), nil
}

// upstreamError is the one mapping from client errors to Connect errors. Messages are written here,
// from fields the client already redacted; raw upstream bodies never reach the caller. Details
// carry Attio's code and execution id (ErrorInfo), field violations (BadRequest) and the retry
// delay (RetryInfo). On its way out every handler error then passes errorEgress, which masks the
// secrets the facade knows and caps the text.
func upstreamError(err error) error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) && !ce.IsRemote() {
		return ce // already ours (e.g. a bad page token)
	}
	var ae *attio.Error
	if !errors.As(err, &ae) {
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return connect.NewError(connect.CodeDeadlineExceeded, "deadline exceeded before Attio answered").WithCause(err)
		case errors.Is(err, context.Canceled):
			return connect.NewError(connect.CodeCanceled, "call canceled").WithCause(err)
		}
		return connect.NewError(connect.CodeInternal, "internal error").WithCause(err)
	}

	code, msg := classify(ae)
	out := connect.NewError(code, msg).WithCause(err)
	out = withDetail(out, errorInfo(ae))
	if len(ae.Validation) > 0 {
		br := &errdetails.BadRequest{}
		for _, v := range ae.Validation[:min(len(ae.Validation), maxFieldViolations)] {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
				Field:       v.Path.String(),
				Description: v.Message,
				Reason:      v.Code,
			})
		}
		out = withDetail(out, br)
	}
	if code == connect.CodeResourceExhausted || (code == connect.CodeUnavailable && ae.RetryAfter > 0) {
		out = withDetail(out, &errdetails.RetryInfo{RetryDelay: durationpb.New(ae.RetryAfter)})
	}
	return out
}

// upstreamCredentials reports whether the facade's own upstream key (Maton's, or Attio's token
// behind the connection) was refused. The caller's credentials were checked by the interceptors
// before this call went upstream, so Unauthenticated or PermissionDenied would send callers to
// rotate keys that are fine. Such errors are Unavailable: the request is right, this replica cannot
// serve it until its operator fixes the key, and a retry later (or on another replica) succeeds
// unchanged. Internal would say the facade is broken for every request, and clients do not retry it.
func upstreamCredentials(ae *attio.Error) bool {
	return ae.Source != attio.SourceTransport &&
		(ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden)
}

func classify(ae *attio.Error) (connect.Code, string) {
	switch {
	case errors.Is(ae, context.DeadlineExceeded):
		return connect.CodeDeadlineExceeded, "deadline exceeded before Attio answered"
	case errors.Is(ae, context.Canceled):
		return connect.CodeCanceled, "call canceled"
	case errors.Is(ae, attio.ErrPathParam):
		return connect.CodeInvalidArgument, ae.Err.Error()
	}
	what := describe(ae)
	switch {
	case attio.IsPaused(ae):
		return connect.CodeResourceExhausted, "upstream calls are paused after a 429 from Maton or Attio, for " +
			ae.RetryAfter.Round(time.Second).String() + ", past this call's deadline; retry after the delay in RetryInfo"
	case ae.Source == attio.SourceTransport || ae.StatusCode == 0:
		return connect.CodeUnavailable, "Attio could not be reached: " + what
	case ae.Source == attio.SourceMaton:
		switch ae.StatusCode {
		case http.StatusBadRequest:
			return connect.CodeFailedPrecondition, "Maton has no usable Attio connection for this call (check the Maton-Connection header or create a connection): " + what
		case http.StatusUnauthorized, http.StatusForbidden:
			return connect.CodeUnavailable, "the facade's Maton API key was rejected by Maton; this is the facade's configuration, not your credentials: " + what
		case http.StatusTooManyRequests:
			return connect.CodeResourceExhausted, "Maton's request rate limit was reached: " + what
		case http.StatusInternalServerError:
			return connect.CodeUnavailable, "Maton could not call Attio (the connection's authorisation may have expired; re-authorise it): " + what
		}
	}
	switch s := ae.StatusCode; {
	case s == http.StatusBadRequest, s == http.StatusUnprocessableEntity:
		return connect.CodeInvalidArgument, "Attio rejected the request: " + what
	case upstreamCredentials(ae):
		return connect.CodeUnavailable, "Attio rejected the facade's upstream credentials; this is the facade's configuration, not your credentials: " + what
	case s == http.StatusNotFound:
		return connect.CodeNotFound, "not found in Attio: " + what
	case s == http.StatusConflict:
		return connect.CodeAlreadyExists, "already exists in Attio: " + what
	case s == http.StatusTooManyRequests:
		return connect.CodeResourceExhausted, "Attio's rate limit was reached: " + what
	case s == http.StatusRequestTimeout, s >= 500:
		return connect.CodeUnavailable, "Attio is unavailable: " + what
	case s >= 400:
		return connect.CodeFailedPrecondition, "Attio refused the request: " + what
	}
	return connect.CodeUnknown, "unexpected answer from Attio: " + what
}

// describe renders the redacted parts of an upstream error for a caller.
func describe(ae *attio.Error) string {
	var b strings.Builder
	if ae.StatusCode != 0 {
		b.WriteString(strconv.Itoa(ae.StatusCode))
	}
	if ae.Code != "" {
		fmt.Fprintf(&b, " %s", ae.Code)
	}
	if ae.Message != "" {
		fmt.Fprintf(&b, ": %s", ae.Message)
	} else if ae.StatusCode == 0 {
		b.WriteString(attio.TransportCause(ae.Err))
	}
	return strings.TrimSpace(b.String())
}

func errorInfo(ae *attio.Error) *errdetails.ErrorInfo {
	domain := domainAttio
	switch ae.Source {
	case attio.SourceMaton:
		domain = domainMaton
	case attio.SourceTransport:
		domain = domainFacade
	}
	reason := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(ae.Code))
	switch {
	case upstreamCredentials(ae):
		reason = "UPSTREAM_CREDENTIALS" // Attio's own code stays in the attio_code metadata
	case attio.IsPaused(ae):
		reason = "UPSTREAM_PAUSED"
	case reason == "":
		reason = "UPSTREAM_" + strconv.Itoa(ae.StatusCode)
		if ae.StatusCode == 0 {
			reason = "UPSTREAM_UNREACHABLE"
		}
	}
	md := map[string]string{"endpoint": ae.Endpoint}
	if ae.Code != "" {
		md["attio_code"] = ae.Code
	}
	if ae.Type != "" {
		md["attio_type"] = ae.Type
	}
	if ae.ExecutionID != "" {
		md["execution_id"] = ae.ExecutionID
	}
	if ae.StatusCode != 0 {
		md["http_status"] = strconv.Itoa(ae.StatusCode)
	}
	return &errdetails.ErrorInfo{Reason: reason, Domain: domain, Metadata: md}
}

// withDetail returns e with m attached (connect errors are immutable: WithDetail clones).
func withDetail(e *connect.Error, m proto.Message) *connect.Error {
	d, err := connectproto.NewErrorDetail(m)
	if err != nil {
		return e
	}
	return e.WithDetail(d)
}

// errorEgress is the innermost interceptor: every error a handler returns leaves through it, so
// callers, and the telemetry and logging interceptors outside it, all see the same cleaned error.
// It masks every secret the facade knows (see secretsOf) in the message and in every string of
// every detail, caps their lengths (UTF-8 safe), and repeats a RetryInfo delay as a Retry-After
// header for HTTP clients. The original error stays the cause (never serialised) so outer
// interceptors can still tell what happened upstream.
func errorEgress(secrets *attio.Redactor) connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			err := next(ctx, spec, stream)
			if err == nil {
				return nil
			}
			ce, ok := errors.AsType[*connect.Error](err)
			if !ok || ce.IsRemote() {
				return err // not ours: the caller gets a bare code without text
			}
			info, _ := connect.CallInfoForServerContext(ctx)
			r := secretsOf(secrets, info)
			out := connect.NewError(ce.Code(), clean(r, ce.Message(), maxErrorMessage))
			for _, d := range ce.Details() {
				m, derr := connectproto.UnmarshalErrorDetail(d)
				if derr != nil {
					continue // a detail we cannot inspect cannot be vouched for
				}
				if ri, ok := m.(*errdetails.RetryInfo); ok && info != nil {
					setRetryAfter(info, spec, ri.GetRetryDelay().AsDuration())
				}
				cleanStrings(r, m.ProtoReflect(), maxDetailText)
				out = withDetail(out, m)
			}
			return out.WithCause(err)
		}
	}
}

// setRetryAfter tells HTTP clients the delay in whole seconds (at least 1); a stream's headers may
// be gone already, so it goes into the trailers too.
func setRetryAfter(info *connect.CallInfo, spec connect.Spec, d time.Duration) {
	if d <= 0 {
		return
	}
	v := strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10)
	info.ResponseHeader().Set(headerRetryAfter, v)
	if spec.StreamType != connect.StreamTypeUnary {
		info.ResponseTrailer().Set(headerRetryAfter, v)
	}
}

const headerRetryAfter = "Retry-After"
