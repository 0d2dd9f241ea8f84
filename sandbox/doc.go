// Package sandbox emulates, in memory and as one http.Handler, the Maton API
// gateway in front of the Attio REST API (the 63 operations of Attio's
// OpenAPI document, testdata/attio/openapi.json) plus Maton's /connections
// control plane. It is the service's default upstream when no Maton key is
// configured and the ground truth for tests and benchmarks.
//
// URL layout on one handler:
//
//	/attio/v2/...    Attio through Maton (Maton auth, connection selection, 10 req/s cap)
//	/v2/...          direct Attio (same bearer key, no Maton cap)
//	/connections...  Maton's control plane
//
// Fidelity notes: responses use Attio's envelopes ({"data": ...}, /v2/self
// unwrapped, DELETE answers {}), every attribute key is present on records
// ([] when empty), values carry active_from/active_until/created_by_actor and
// keep history, and errors use Attio's body {status_code,type,code,message
// [,validation_errors]} or Maton's {"error":{code,message}} for gateway
// failures. Records are ordered by (created_at, record_id) and kept in a
// sorted slice, so default-ordered pages and created_at keyset filters are
// binary searches.
//
// Tests start a server in one line:
//
//	srv := sandbox.NewServer(sandbox.WithSeed(os.DirFS("../testdata/seed")))
//	defer srv.Close()
//
// Rate limits default to the real budgets (DefaultLimits); pass
// WithRateLimits(Limits{}) to switch them off. Webhooks are stored but never
// delivered; the inverse side of relationship attributes is maintained for
// API writes but not for Generate.
package sandbox
