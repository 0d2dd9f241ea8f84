// Package server serves the attio.v1 contract over Connect, gRPC and gRPC-Web. Each service lives in
// its own file as a thin handler (validate, map proto to client types, call the client, map back);
// this file composes them with health, reflection and CORS into one http.Handler.
package server

import (
	"net/http"
	"slices"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	connectcors "connectrpc.com/cors"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect/v2"
	"github.com/rs/cors"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// Options configures NewHandler.
type Options struct {
	// Client calls Attio (through Maton, or the sandbox).
	Client *attio.Client
	// Interceptors run around every RPC, first outermost (see interceptors.Chain).
	Interceptors []connect.ServerInterceptor
	// Health answers grpc.health.v1; nil builds one with every service SERVING.
	Health *grpchealth.StaticChecker
	// AllowedOrigins are the browser origins allowed by CORS; empty allows none, "*" allows all.
	AllowedOrigins []string
	// ExtraHeaders are request headers browsers may send besides the protocols' own.
	ExtraHeaders []string
	// Routes are plain HTTP handlers mounted beside the RPCs (e.g. "/metrics").
	Routes map[string]http.Handler
	// Approvals serves ApprovalService; nil leaves it unimplemented.
	Approvals attiov1connect.ApprovalServiceHandler
	// Exports serves ExportService; nil serves it with NewExportService(Client) and its defaults
	// (sized for Maton's 10 requests/s).
	Exports attiov1connect.ExportServiceHandler
	// Secrets are values the facade knows to be secret (the Maton or Attio key, the approval
	// secret). With each call's bearer and approval tokens, they are masked in every form (see
	// attio.SecretForms) in every error a caller receives.
	Secrets []string
	// Streams bounds every server stream and export (memory budget, per-caller cap, send
	// timeout); nil uses NewStreamLimits with its defaults.
	Streams *StreamLimits
	// CompressMinBytes: responses smaller than this go uncompressed even when the caller accepts
	// zstd or gzip (see Compressors); 0 compresses every response the caller asks to have
	// compressed. serve sets DefaultCompressMinBytes.
	CompressMinBytes int
	// Files bounds uploads and downloads (zero fields: the defaults).
	Files FileLimits
	// Changes serves ChangeService (the change streams, over the webhook endpoint's change log);
	// nil serves it over an empty log nothing feeds.
	Changes *ChangeService
}

// ServiceNames lists every service of the contract, for health checks and documentation.
func ServiceNames() []string {
	return []string{
		attiov1connect.ObjectServiceName,
		attiov1connect.AttributeServiceName,
		attiov1connect.RecordServiceName,
		attiov1connect.ListServiceName,
		attiov1connect.EntryServiceName,
		attiov1connect.TaskServiceName,
		attiov1connect.NoteServiceName,
		attiov1connect.CommentServiceName,
		attiov1connect.MeetingServiceName,
		attiov1connect.EmailServiceName,
		attiov1connect.SequenceServiceName,
		attiov1connect.SqlServiceName,
		attiov1connect.ScimServiceName,
		attiov1connect.ActivityServiceName,
		attiov1connect.ActivityRecordServiceName,
		attiov1connect.ViewServiceName,
		attiov1connect.FileServiceName,
		attiov1connect.WorkspaceServiceName,
		attiov1connect.WebhookServiceName,
		attiov1connect.ConnectionServiceName,
		attiov1connect.ApprovalServiceName,
		attiov1connect.ExportServiceName,
		attiov1connect.SessionServiceName,
		attiov1connect.ChangeServiceName,
	}
}

// NewHealth returns a checker reporting every service (and the server as a whole, "") as SERVING.
func NewHealth() *grpchealth.StaticChecker {
	return grpchealth.NewStaticChecker(ServiceNames()...)
}

// NewRPCServer registers every service on a connect.Server with the given interceptors.
func NewRPCServer(opts Options) *connect.Server {
	streams := opts.Streams
	if streams == nil {
		streams = NewStreamLimits(StreamLimitsConfig{})
	}
	srv := connect.NewServer(slices.Concat([]connect.ServerInterceptor{withConnection}, opts.Interceptors,
		[]connect.ServerInterceptor{errorEgress(attio.NewRedactor(opts.Secrets...)), streams.interceptor()})...)
	c := opts.Client
	registerResources(srv, c)
	attiov1connect.RegisterFileServiceHandler(srv, &FileService{client: c, limits: opts.Files.withDefaults()})
	approvals := opts.Approvals
	if approvals == nil {
		approvals = attiov1connect.UnimplementedApprovalServiceHandler{}
	}
	attiov1connect.RegisterApprovalServiceHandler(srv, approvals)
	exports := opts.Exports
	if exports == nil {
		exports = NewExportService(c, ExportOptions{})
	}
	attiov1connect.RegisterExportServiceHandler(srv, exports)
	attiov1connect.RegisterSessionServiceHandler(srv, SessionService{})
	watches := opts.Changes
	if watches == nil {
		// Nothing feeds this log: watches get their heartbeats and no change.
		watches = NewChangeService(c, ChangeOptions{Log: changes.NewMemoryLog(changes.MemoryLogOptions{})})
	}
	attiov1connect.RegisterChangeServiceHandler(srv, watches)
	return srv
}

// registerResources registers the services of Attio's and Maton's resources, served through c.
func registerResources(srv *connect.Server, c *attio.Client) {
	attiov1connect.RegisterObjectServiceHandler(srv, &ObjectService{client: c})
	attiov1connect.RegisterAttributeServiceHandler(srv, &AttributeService{client: c})
	attiov1connect.RegisterRecordServiceHandler(srv, &RecordService{client: c})
	attiov1connect.RegisterListServiceHandler(srv, &ListService{client: c})
	attiov1connect.RegisterEntryServiceHandler(srv, &EntryService{client: c})
	attiov1connect.RegisterTaskServiceHandler(srv, &TaskService{client: c})
	attiov1connect.RegisterNoteServiceHandler(srv, &NoteService{client: c})
	attiov1connect.RegisterCommentServiceHandler(srv, &CommentService{client: c})
	attiov1connect.RegisterMeetingServiceHandler(srv, &MeetingService{client: c})
	attiov1connect.RegisterEmailServiceHandler(srv, &EmailService{client: c})
	attiov1connect.RegisterSequenceServiceHandler(srv, &SequenceService{client: c})
	attiov1connect.RegisterSqlServiceHandler(srv, &SqlService{client: c})
	attiov1connect.RegisterScimServiceHandler(srv, &ScimService{client: c})
	attiov1connect.RegisterActivityServiceHandler(srv, &ActivityService{client: c})
	attiov1connect.RegisterActivityRecordServiceHandler(srv, &ActivityRecordService{client: c})
	attiov1connect.RegisterViewServiceHandler(srv, &ViewService{client: c})
	attiov1connect.RegisterWorkspaceServiceHandler(srv, &WorkspaceService{client: c})
	attiov1connect.RegisterWebhookServiceHandler(srv, &WebhookService{client: c})
	attiov1connect.RegisterConnectionServiceHandler(srv, &ConnectionService{client: c})
}

// NewHandler returns the facade's whole HTTP surface: every RPC (Connect, gRPC, gRPC-Web), gRPC
// health and reflection (v1 and v1alpha), the extra routes, all behind CORS.
func NewHandler(opts Options) http.Handler {
	rpc := NewRPCServer(opts)
	mux := http.NewServeMux()
	connecthttp.Mount(mux, rpc, connecthttp.WithCodecs(codecs()...), connecthttp.WithCompressors(Compressors()...),
		connecthttp.WithCompressMinBytes(opts.CompressMinBytes))

	// Reflection sits on its own connect.Server: it must stay open (no auth, no approvals) and
	// describes the files compiled in, which include every attio.v1 service.
	reflection := connect.NewServer()
	grpcreflect.Register(reflection, grpcreflect.WithNamer(grpcreflect.NamerFunc(func() []string {
		return append(ServiceNames(), "grpc.health.v1.Health")
	})))
	connecthttp.Mount(mux, reflection)

	health := opts.Health
	if health == nil {
		health = NewHealth()
	}
	mux.Handle(grpchealth.NewHandler(health))
	for path, h := range opts.Routes {
		mux.Handle(path, h)
	}
	return withCORS(withWriteControl(mux), opts.AllowedOrigins, opts.ExtraHeaders)
}

// withCORS lets browser Connect and gRPC-Web clients call the facade from the allowed origins, and
// read the protocol's status headers plus our rate-limit headers.
func withCORS(h http.Handler, origins, extraHeaders []string) http.Handler {
	if len(origins) == 0 {
		return h
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: connectcors.AllowedMethods(),
		AllowedHeaders: slices.Concat(connectcors.AllowedHeaders(),
			[]string{"Authorization", "Attio-Approval", "Maton-Connection", "Traceparent", "Tracestate"}, extraHeaders),
		ExposedHeaders: slices.Concat(connectcors.ExposedHeaders(),
			[]string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"}),
		MaxAge: 7200,
	}).Handler(h)
}
