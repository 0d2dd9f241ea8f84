package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
	"github.com/attio-facade/attio-facade/telemetry"
	"github.com/attio-facade/attio-facade/telemetry/telemetrytest"
)

// Caller keys of the guarded harness. They are secrets: the secret search looks for them.
const (
	writerKey   = "key-writer-5b0f9c1e7a"
	writer2Key  = "key-writer2-91d2c4aa03"
	approverKey = "key-approver-2e7d81f0c4"
	readerKey   = "key-reader-c3a9e1d275"
	batchKey    = "key-batch-7f1e0b9d46"
	adminKey    = "key-admin-2d8c4f6a19"
)

func hashKey(k string) string { s := sha256.Sum256([]byte(k)); return hex.EncodeToString(s[:]) }

// guarded is the harness with the production interceptor chain: telemetry recorder, API-key auth,
// per-caller limits, validation and approvals with the upstream-aware describer.
type guarded struct {
	*harness
	tel   *telemetrytest.Recorder
	clock *fakeClock
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newGuarded(t *testing.T, callerRPS float64, sbOpts ...sandbox.Option) *guarded {
	t.Helper()
	return newGuardedClient(t, callerRPS, nil, sbOpts...)
}

// newGuardedClient is newGuarded whose upstream client config is then changed by mod (nil: none).
func newGuardedClient(t *testing.T, callerRPS float64, mod func(*attio.Config), sbOpts ...sandbox.Option) *guarded {
	t.Helper()
	cfg, err := interceptors.ParseAuthConfig([]byte(fmt.Sprintf(`{"api_keys":[
		{"name":"writer","sha256":%q,"scopes":["read","write"]},
		{"name":"writer2","sha256":%q,"scopes":["read","write"]},
		{"name":"approver","sha256":%q,"scopes":["read","approve"]},
		{"name":"reader","sha256":%q,"scopes":["read"],"connections":[""]},
		{"name":"batch","sha256":%q,"scopes":["read","write"],"auto_approve":true},
		{"name":"admin","sha256":%q,"scopes":["read","admin"]}
	]}`, hashKey(writerKey), hashKey(writer2Key), hashKey(approverKey), hashKey(readerKey), hashKey(batchKey), hashKey(adminKey))))
	if err != nil {
		t.Fatal(err)
	}
	tel := telemetrytest.New(t, telemetry.Options{ServiceName: "attio-facade-test"})
	clock := &fakeClock{now: time.Now()}
	g := &guarded{tel: tel, clock: clock}
	g.harness = newHarness(t, harnessConfig{
		sandbox: sbOpts,
		client: func(c *attio.Config) {
			c.HTTPClient = tel.HTTPClient()
			c.Observer = tel.Observer()
			if mod != nil {
				mod(c)
			}
		},
		opts: func(o *server.Options) {
			audit := interceptors.NewAuditLog(tel.Logger().With("log", "audit"), tel)
			auth, err := interceptors.NewAuthenticator(cfg, interceptors.AuthenticatorOptions{Logger: tel.Logger(), Audit: audit})
			if err != nil {
				t.Fatal(err)
			}
			ao := cfg.ApprovalOptions()
			ao.Secret = []byte(testApprovalSecret)
			o.Secrets = append(o.Secrets, testApprovalSecret)
			ao.Audit, ao.Describer, ao.Now = audit, server.NewDescriber(o.Client), clock.Now
			approvals, err := interceptors.NewApprovals(ao)
			if err != nil {
				t.Fatal(err)
			}
			limiter := interceptors.NewRateLimiter(interceptors.RateLimitConfig{Rate: callerRPS, OnThrottle: tel.RecordInboundThrottle})
			o.Interceptors = interceptors.Chain(interceptors.ChainConfig{
				Logger: tel.Logger(), Telemetry: tel.ServerInterceptor(), Auth: auth.Interceptor(),
				RateLimit: limiter.Interceptor(), Approvals: approvals.Interceptor(),
			})
			o.Approvals = server.NewApprovalService(approvals)
		},
	})
	return g
}

// as returns a context that calls as the caller holding key, optionally with an approval token.
func caller(key string, approval ...string) context.Context {
	ctx, info := connect.NewClientContext(context.Background())
	info.RequestHeader().Set("Authorization", "Bearer "+key)
	if len(approval) > 0 {
		info.RequestHeader().Set("Attio-Approval", approval[0])
	}
	return ctx
}

func approvalRequired(t *testing.T, err error) *attiov1.ApprovalRequired {
	t.Helper()
	if connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("want FailedPrecondition, got %v", err)
	}
	d := errorDetails[*attiov1.ApprovalRequired](t, err)
	if len(d) != 1 {
		t.Fatalf("no ApprovalRequired detail in %v", err)
	}
	return d[0]
}

func peopleCount(t *testing.T, h *harness) int {
	t.Helper()
	n, err := h.sb.Sandbox.RecordCount(sandbox.DefaultConnectionID, "people")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newPerson(email string) *attiov1.CreateRecordRequest {
	return &attiov1.CreateRecordRequest{Object: "people", Values: values(
		"email_addresses", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{EmailAddress: email}}}})}
}

func TestCallerAuthOutcomesAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	rec := records(g.harness, protocols[0])
	get := &attiov1.GetRecordRequest{Object: "people", RecordId: adaID}
	tests := []struct {
		name string
		ctx  context.Context
		call func(context.Context) error
		want connect.Code // 0: succeeds
	}{
		{"no credentials", context.Background(), func(ctx context.Context) error { _, err := rec.GetRecord(ctx, get); return err }, connect.CodeUnauthenticated},
		{"unknown key", caller("key-nobody"), func(ctx context.Context) error { _, err := rec.GetRecord(ctx, get); return err }, connect.CodeUnauthenticated},
		{"reader reads", caller(readerKey), func(ctx context.Context) error { _, err := rec.GetRecord(ctx, get); return err }, 0},
		{"reader cannot write", caller(readerKey), func(ctx context.Context) error {
			_, err := rec.CreateRecord(ctx, newPerson("r@x.example.com"))
			return err
		}, connect.CodePermissionDenied},
		{"reader outside its connections", func() context.Context {
			ctx := caller(readerKey)
			info, _ := connect.CallInfoForClientContext(ctx)
			info.RequestHeader().Set("Maton-Connection", "b3e00889-6e51-426a-95b9-21871b700053")
			return ctx
		}(), func(ctx context.Context) error { _, err := rec.GetRecord(ctx, get); return err }, connect.CodePermissionDenied},
		{"writer cannot change the schema", caller(writerKey), func(ctx context.Context) error {
			_, err := attiov1connect.NewObjectServiceClient(g.rpc(protocols[0])).CreateObject(ctx, &attiov1.CreateObjectRequest{ApiSlug: "gadgets", SingularNoun: "Gadget", PluralNoun: "Gadgets"})
			return err
		}, connect.CodePermissionDenied},
	}
	before := peopleCount(t, g.harness)
	for _, tt := range tests {
		err := tt.call(tt.ctx)
		if got := connect.CodeOf(err); (tt.want == 0 && err != nil) || (tt.want != 0 && got != tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if after := peopleCount(t, g.harness); after != before {
		t.Fatalf("refused calls wrote %d records", after-before)
	}
}

func TestApprovalFlowAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	for _, p := range protocols[:2] {
		t.Run(p.name, func(t *testing.T) {
			rec := records(g.harness, p)
			appr := attiov1connect.NewApprovalServiceClient(g.rpc(p))
			req := newPerson("approved-" + p.name + "@flow.example.com")
			before := peopleCount(t, g.harness)

			_, err := rec.CreateRecord(caller(writerKey), req)
			need := approvalRequired(t, err)
			if need.GetSummary() == "" || need.GetExpiresAt() == nil || len(need.GetChanges()) == 0 {
				t.Fatalf("ApprovalRequired lacks summary/expiry/changes: %v", need)
			}
			pending, err := appr.ListApprovals(caller(approverKey), &attiov1.ListApprovalsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(pending.GetApprovals(), func(a *attiov1.Approval) bool {
				return a.GetId() == need.GetApprovalId() && a.GetState() == attiov1.ApprovalState_APPROVAL_STATE_PENDING && a.GetToken() == ""
			}) {
				t.Fatalf("approver does not see the pending approval: %v", pending.GetApprovals())
			}
			// Self-approval and approval without the scope are refused.
			if _, err := appr.Approve(caller(writerKey), &attiov1.ApproveRequest{ApprovalId: need.GetApprovalId()}); connect.CodeOf(err) != connect.CodePermissionDenied {
				t.Fatalf("writer approved its own write: %v", err)
			}
			if _, err := appr.Approve(caller(approverKey), &attiov1.ApproveRequest{ApprovalId: need.GetApprovalId()}); err != nil {
				t.Fatal(err)
			}
			got, err := appr.GetApproval(caller(writerKey), &attiov1.GetApprovalRequest{ApprovalId: need.GetApprovalId()})
			if err != nil {
				t.Fatal(err)
			}
			token := got.GetApproval().GetToken()
			if token == "" {
				t.Fatal("requester sees no token after approval")
			}
			tampered := token[:len(token)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(token, "AA")]

			refusals := []struct {
				name string
				call func() error
			}{
				{"other request", func() error {
					_, err := rec.CreateRecord(caller(writerKey, token), newPerson("someone-else@flow.example.com"))
					return err
				}},
				{"other principal", func() error { _, err := rec.CreateRecord(caller(writer2Key, token), req); return err }},
				{"tampered", func() error { _, err := rec.CreateRecord(caller(writerKey, tampered), req); return err }},
				{"garbage", func() error { _, err := rec.CreateRecord(caller(writerKey, "not-a-token"), req); return err }},
			}
			for _, r := range refusals {
				if err := r.call(); connect.CodeOf(err) != connect.CodePermissionDenied {
					t.Fatalf("%s: got %v, want PermissionDenied", r.name, err)
				}
			}
			if n := peopleCount(t, g.harness); n != before {
				t.Fatalf("refused tokens wrote %d records", n-before)
			}

			if _, err := rec.CreateRecord(caller(writerKey, token), req); err != nil {
				t.Fatalf("approved write: %v", err)
			}
			if n := peopleCount(t, g.harness); n != before+1 {
				t.Fatalf("approved write made %d records, want 1", n-before)
			}
			if _, err := rec.CreateRecord(caller(writerKey, token), req); connect.CodeOf(err) != connect.CodePermissionDenied {
				t.Fatalf("replay: %v", err)
			}
			if n := peopleCount(t, g.harness); n != before+1 {
				t.Fatal("replayed token wrote again")
			}

			// A denied write never runs, and the requester sees why.
			del := &attiov1.DeleteRecordRequest{Object: "people", RecordId: adaID}
			_, err = rec.DeleteRecord(caller(writerKey), del)
			denied := approvalRequired(t, err)
			if _, err := appr.Deny(caller(approverKey), &attiov1.DenyRequest{ApprovalId: denied.GetApprovalId(), Reason: "Ada stays"}); err != nil {
				t.Fatal(err)
			}
			seen, err := appr.GetApproval(caller(writerKey), &attiov1.GetApprovalRequest{ApprovalId: denied.GetApprovalId()})
			if err != nil {
				t.Fatal(err)
			}
			if seen.GetApproval().GetState() != attiov1.ApprovalState_APPROVAL_STATE_DENIED || seen.GetApproval().GetReason() != "Ada stays" || seen.GetApproval().GetToken() != "" {
				t.Fatalf("denied approval = %v", seen.GetApproval())
			}
			if ids, _ := g.sb.Sandbox.Records(sandbox.DefaultConnectionID, "people"); !slices.Contains(ids, adaID) {
				t.Fatal("denied delete ran")
			}
		})
	}
}

func TestExpiredApprovalWritesNothing(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	rec := records(g.harness, protocols[0])
	req := newPerson("late@flow.example.com")
	_, token := approvedToken(t, g, req)
	before := peopleCount(t, g.harness)
	g.clock.Advance(time.Hour)
	if _, err := rec.CreateRecord(caller(writerKey, token), req); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("expired token: %v", err)
	}
	if peopleCount(t, g.harness) != before {
		t.Fatal("expired token wrote")
	}
}

func TestDeleteApprovalShowsCurrentStateAndAutoApprovalPolicy(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	rec := records(g.harness, protocols[0])

	// The summary of a delete names what exists now, fetched from upstream.
	_, err := rec.DeleteRecord(caller(writerKey), &attiov1.DeleteRecordRequest{Object: "people", RecordId: adaID})
	need := approvalRequired(t, err)
	if !strings.Contains(need.GetSummary(), "Ada Lovelace") {
		t.Fatalf("delete summary does not name the record: %q", need.GetSummary())
	}
	// An update shows each attribute's current value next to the new one; appended multiselect
	// values keep the current ones.
	_, err = rec.UpdateRecord(caller(writerKey), &attiov1.UpdateRecordRequest{Object: "people", RecordId: adaID, Mode: attiov1.UpdateMode_UPDATE_MODE_APPEND,
		Values: values(
			"job_title", []*attiov1.ValueInput{text(&attiov1.ValueInput_Text{Text: "Countess"})},
			"email_addresses", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{EmailAddress: "ada@engine.example.com"}}}},
		)})
	changes := map[string]*attiov1.FieldChange{}
	for _, c := range approvalRequired(t, err).GetChanges() {
		changes[c.GetField()] = c
	}
	if c := changes["values.job_title"]; c.GetBefore() != "Chief Scientist" || c.GetAfter() != "Countess" {
		t.Fatalf("job_title change = %v", c)
	}
	if c := changes["values.email_addresses"]; !strings.Contains(c.GetBefore(), "ada@acme-analytics.com") || !strings.Contains(c.GetAfter(), "ada@acme-analytics.com") || !strings.Contains(c.GetAfter(), "ada@engine.example.com") {
		t.Fatalf("appended email change = %v", c)
	}
	// A delete of something that does not exist is refused before an approval is asked for.
	if _, err := rec.DeleteRecord(caller(writerKey), &attiov1.DeleteRecordRequest{Object: "people", RecordId: missingID}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("delete of a missing record: %v", err)
	}
	// An auto-approving batch principal writes directly, but its deletes still need a second person.
	before := peopleCount(t, g.harness)
	created, err := rec.CreateRecord(caller(batchKey), newPerson("batch@flow.example.com"))
	if err != nil {
		t.Fatalf("auto-approved create: %v", err)
	}
	if peopleCount(t, g.harness) != before+1 {
		t.Fatal("auto-approved create did not write")
	}
	_, err = rec.DeleteRecord(caller(batchKey), &attiov1.DeleteRecordRequest{Object: "people", RecordId: created.GetRecord().GetId().GetRecordId()})
	approvalRequired(t, err)
	if peopleCount(t, g.harness) != before+1 {
		t.Fatal("auto-approving principal deleted without a second person")
	}
}

func TestPerCallerLimitEndToEnd(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0.5) // burst 1, then one call every two seconds
	rec := records(g.harness, protocols[0])
	get := &attiov1.GetRecordRequest{Object: "people", RecordId: adaID}
	if _, err := rec.GetRecord(caller(readerKey), get); err != nil {
		t.Fatal(err)
	}
	_, err := rec.GetRecord(caller(readerKey), get)
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("second call: %v, want ResourceExhausted", err)
	}
	if _, err := rec.GetRecord(caller(writerKey), get); err != nil {
		t.Fatalf("another caller is limited too: %v", err)
	}
}

func TestSpanTreeOfOneCall(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	if _, err := records(g.harness, protocols[1]).GetRecord(caller(readerKey), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID}); err != nil {
		t.Fatal(err)
	}
	var rpcSpan, upstream = -1, -1
	spans := g.tel.Spans.Ended()
	for i, s := range spans {
		switch s.Name() {
		case "attio.v1.RecordService/GetRecord":
			rpcSpan = i
		case "GET /v2/objects/{object}/records/{record_id}":
			upstream = i
		}
	}
	if rpcSpan < 0 || upstream < 0 {
		t.Fatalf("missing spans:\n%s", g.tel.SpanText())
	}
	r, u := spans[rpcSpan], spans[upstream]
	if u.Parent().SpanID() != r.SpanContext().SpanID() || u.SpanContext().TraceID() != r.SpanContext().TraceID() {
		t.Fatalf("upstream span is not a child of the RPC span:\n%s", g.tel.SpanText())
	}
	attrs := map[string]string{}
	for _, a := range u.Attributes() {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	for _, k := range []string{"attio.endpoint", "attio.attempt", "attio.execution_id", "attio.rate_limit.wait"} {
		if attrs[k] == "" {
			t.Fatalf("upstream span lacks %s: %v", k, attrs)
		}
	}
}

func TestNoSecretInLogsSpansMetricsOrErrors(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 1)
	rec := records(g.harness, protocols[0])
	appr := attiov1connect.NewApprovalServiceClient(g.rpc(protocols[0]))
	var errs []string
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	// Successes, auth failures, an approval round trip with replay, throttling and upstream errors.
	_, err := rec.GetRecord(caller(readerKey), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	keep(err)
	_, err = rec.GetRecord(caller("key-bogus-4471"), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	keep(err)
	req := newPerson("secret-search@flow.example.com")
	_, err = rec.CreateRecord(caller(writerKey), req)
	keep(err)
	need := approvalRequired(t, err)
	_, err = appr.Approve(caller(approverKey), &attiov1.ApproveRequest{ApprovalId: need.GetApprovalId()})
	keep(err)
	got, err := appr.GetApproval(caller(writerKey), &attiov1.GetApprovalRequest{ApprovalId: need.GetApprovalId()})
	keep(err)
	token := got.GetApproval().GetToken()
	_, err = rec.CreateRecord(caller(writerKey, token), req)
	keep(err)
	_, err = rec.CreateRecord(caller(writerKey, token), req)
	keep(err)
	for range 3 {
		_, err = rec.GetRecord(caller(readerKey), &attiov1.GetRecordRequest{Object: "people", RecordId: missingID})
		keep(err)
	}
	g.sb.Sandbox.FailNext(sandbox.Failure{Status: 401, Maton: true})
	_, err = rec.GetRecord(caller(approverKey), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	keep(err)
	if len(errs) < 5 {
		t.Fatalf("the scenario produced only %d errors", len(errs))
	}
	g.tel.AddSource("errors", func() string { return strings.Join(errs, "\n") })
	g.tel.RequireNoSecrets(t, g.sb.APIKey(), writerKey, writer2Key, approverKey, readerKey, batchKey, "key-bogus-4471", token,
		"0123456789abcdef0123456789abcdef-test-secret")
	if !strings.Contains(g.tel.Logs(), "write decision") {
		t.Fatal("audit log was not captured, so the search proves nothing")
	}
}

// While a stream pulls pages at the shared outbound budget, unary calls keep flowing: they are
// served before bulk traffic. Counted at the upstream, in order: how many stream pages went out
// between a unary call being made and its own request (a busy machine changes times, not that).
func TestUnaryCallsFlowWhileAStreamRuns(t *testing.T) {
	t.Parallel()
	upstream := &countingTransport{base: attio.NewHTTPClient().Transport}
	h := newHarness(t, harnessConfig{
		sandbox: []sandbox.Option{sandbox.WithLatency(sandbox.FixedLatency(5 * time.Millisecond))},
		client: func(c *attio.Config) {
			c.Limits = &attio.Limits{Maton: 10}
			c.HTTPClient = &http.Client{Transport: upstream}
		},
	})
	// Sparse deals: the pages' count is what matters, not their contents.
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", 2000, sandbox.GenerateOptions{FillRatio: 0.1}); err != nil {
		t.Fatal(err)
	}
	rec := records(h, protocols[1])
	var pages atomic.Int64
	streamDone := make(chan error, 1)
	go func() {
		s, err := rec.StreamRecords(t.Context(), &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 50})
		if err != nil {
			streamDone <- err
			return
		}
		defer s.Close()
		for {
			if _, err := s.Receive(); err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				streamDone <- err
				return
			}
			pages.Add(1)
		}
	}()
	waitUntil(t, "the stream to get going", func() bool { return pages.Load() >= 2 })
	// 41 pages at 10 requests/s take about 4 s; 8 unary calls must not wait behind them.
	var issued []int
	for range 8 {
		issued = append(issued, len(upstream.sent()))
		if _, err := rec.GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID}); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-streamDone; err != nil {
		t.Fatal(err)
	}
	unary, worst := 0, 0
	for i, path := range upstream.sent() {
		if strings.HasSuffix(path, "/records/"+adaID) {
			worst = max(worst, i-issued[unary])
			unary++
		}
	}
	if unary != 8 {
		t.Fatalf("saw %d unary requests upstream, want 8", unary)
	}
	// At most the page already granted when the call was made, and one more if the test was
	// descheduled on its way to the limiter; first come, first served would put every queued
	// stream page first.
	if worst > 3 {
		t.Errorf("up to %d stream pages went out ahead of a unary call", worst)
	}
}
