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
// Layout: one file per Attio resource (records.go, entries.go, search.go,
// lists.go, objects.go, attributes.go, options.go for options and statuses,
// tasks.go, notes.go, comments.go for comments and threads, meetings.go for
// meetings and call recordings (meeting_writes.go for their writes), views.go
// for object and list views, files.go for files (signed.go is the host a download redirects to),
// threads.go, webhooks.go, members.go for workspace
// members and /v2/self, connections.go for Maton's control plane), each
// holding its register function, its handlers and its validation. Shared
// pieces: gateway.go is the Maton pipeline in front of every endpoint
// (auth, connection, caps, faults); router.go routes with http.ServeMux
// method and wildcard patterns; request.go parses bodies and query
// parameters; find.go has the find/get/list/delete steps; errors.go writes
// Attio's and Maton's error bodies; cursor.go is cursor paging.
//
// Adding a resource is one file and one line:
//
//	// widgets.go
//	func widgetRoutes(rs *routes) {
//		rs.read("GET", "/v2/widgets/{widget_id}", hGetWidget)  // shared workspace lock, read budget
//		rs.write("POST", "/v2/widgets", hCreateWidget)         // exclusive lock, write budget
//	}
//
//	func hGetWidget(rc *reqCtx) ([]byte, *apiError) {
//		id := rc.param("widget_id") // unescaped once, as Attio does
//		...
//	}
//
// plus widgetRoutes(rs) in newAPI (router.go); rs.withStatus registers a
// write whose success is not 200 (a 204 delete). Handlers return the JSON
// answer or an *apiError (notFound, validation, bodyError...), which the
// gateway renders in Attio's shape; rc.body is the decoded JSON object of a
// POST/PUT/PATCH. A path or method no pattern matches is Attio's 404
// "Could not find endpoint", counted as UNKNOWN in Stats. The template string
// is what Stats.ByRoute and Failure.Route name. A resource kept in a
// workspace slice and addressed by a UUID wildcard gets its GET and DELETE
// from a byID[T] (see notes.go); dataList and getWith write list and single
// answers.
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
